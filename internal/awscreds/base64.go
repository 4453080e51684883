package awscreds

import (
	"encoding/base64"
	"strings"
	"unicode/utf8"
)

// Base64 is decoded the way gitleaks' decoder does it (standard, then URL alphabet; only text
// is kept), and also when line-wrapped (userData, PEM-like blocks, `base64` output). Each level
// decodes to at most three quarters of its input and nesting stops at maxDecodeDepth, so the
// scan stays linear in the input.
const (
	// minEncodedLen is the shortest base64 that can hold an access key ID (20 bytes).
	minEncodedLen = 27
	// maxDecodeDepth is how many levels of base64 inside base64 are decoded.
	maxDecodeDepth = 3
	// minWrapWidth is the shortest line width taken for wrapped base64 (76 for MIME and the
	// base64 tool, 64 for PEM).
	minWrapWidth = 16
	// probeLen is how much of a run is decoded first to see whether it is text at all.
	probeLen = 48
)

// decodeBlock decodes the base64 run s[i:j] (or the line-wrapped block it starts) and, when it
// is text, scans the text. The run uses one alphabet, the URL one when url is set. It returns the
// end of what it took as base64.
func (sc *scanner) decodeBlock(l *level, i, j int, url bool) int {
	s := l.s
	if i >= l.block.end {
		l.block.end, l.block.dataEnd = blockEnd(s, i)
	}
	end, dataEnd := l.block.end, l.block.dataEnd
	if dataEnd > j {
		std := strings.ContainsAny(s[i:dataEnd], "+/")
		url = strings.ContainsAny(s[i:dataEnd], "-_")
		if std && url {
			return end // '+' or '/' with '-' or '_': not base64
		}
	}
	e := base64.RawStdEncoding
	if url {
		e = base64.RawURLEncoding
	}
	if !probe(e, s[i:j]) {
		return end
	}
	text, used := decodeLines(e, s[i:dataEnd])
	if used == 0 {
		return end
	}
	if i+used < dataEnd {
		// A later line is not base64 of text: it was another word, scanned on its own.
		end, dataEnd = i+used, i+used
	}
	enc := l.enc
	if enc == nil {
		enc = &span{off: i, len: end - i}
	}
	sc.scan(text, contextOf(l, i, dataEnd).nameClass, l.depth+1, enc)
	if sc.assign {
		sc.assignments(text, enc)
	}
	return end
}

// probe decodes the first characters of a run: almost every long name or hash is not base64 of
// text, and shows it here, without an allocation.
func probe(e *base64.Encoding, run string) bool {
	var src [probeLen]byte
	var dst [probeLen / 4 * 3]byte
	n := copy(src[:], run[:min(len(run), probeLen)/4*4])
	m, err := e.Decode(dst[:], src[:n])
	return err == nil && isTextBytes(dst[:m])
}

// blockEnd returns where the base64 block starting at s[i] ends (padding included) and where
// its data ends (padding excluded). A block is one run, or lines of one width (a multiple of 4,
// at least minWrapWidth) each followed by a line break and optional indentation, the last line
// no longer than the others.
func blockEnd(s string, i int) (end, dataEnd int) {
	j := runEnd(s, i)
	w := j - i
	for w%4 == 0 && w >= minWrapWidth {
		next := skipLineBreak(s, j)
		if next == j {
			break
		}
		k := runEnd(s, next)
		if k == next || k-next > w {
			break
		}
		j = k
		if k-next < w {
			break // the last, shorter line
		}
	}
	dataEnd = j
	for j < len(s) && j-dataEnd < 2 && s[j] == '=' {
		j++
	}
	return j, dataEnd
}

func runEnd(s string, i int) int {
	for i < len(s) && isBase64Char(s[i]) {
		i++
	}
	return i
}

// skipLineBreak skips one line break and the indentation after it, or nothing.
func skipLineBreak(s string, j int) int {
	switch {
	case strings.HasPrefix(s[j:], "\r\n"):
		j += 2
	case strings.HasPrefix(s[j:], "\n"):
		j++
	default:
		return j
	}
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	return j
}

// decodeLines decodes the lines of a block (line breaks and indentation skipped; every line but
// the last is a multiple of 4 long, so each decodes on its own), up to the first line that is not
// base64 of text. It returns the text and how many bytes of block it used (0: none).
func decodeLines(e *base64.Encoding, block string) (string, int) {
	var dst, line []byte
	used := 0
	for i := 0; i < len(block); {
		j := runEnd(block, i)
		line = append(line[:0], block[i:j]...)
		w := len(dst)
		var err error
		if dst, err = e.AppendDecode(dst, line); err != nil || hasControl(dst[w:]) {
			dst = dst[:w]
			break
		}
		used = j
		i = j
		for i < len(block) && !isBase64Char(block[i]) {
			i++
		}
	}
	if len(dst) == 0 || !utf8.Valid(trimPartialRune(dst)) {
		return "", 0
	}
	return string(dst), used
}

// isTextBytes reports whether b, the start of a longer text, is text: UTF-8 without control
// characters other than tab and line breaks.
func isTextBytes(b []byte) bool { return !hasControl(b) && utf8.Valid(trimPartialRune(b)) }

// trimPartialRune drops an incomplete character at the end of b.
func trimPartialRune(b []byte) []byte {
	for k := 1; k < utf8.UTFMax && len(b) >= k; k++ {
		if utf8.RuneStart(b[len(b)-k]) {
			if !utf8.FullRune(b[len(b)-k:]) {
				return b[:len(b)-k]
			}
			break
		}
	}
	return b
}

// hasControl reports whether b holds a control character other than tab and line breaks.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0x7f {
			return true
		}
	}
	return false
}
