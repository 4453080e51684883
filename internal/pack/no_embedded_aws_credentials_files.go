package pack

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/archive"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource/asset"
)

// Assets and archives. The engine sends an asset's text (a StringAsset, in state too) and only
// the path of a file asset or archive; the pack reads a path when it is readable from where the
// engine starts the pack (the program's directory, the base of relative paths), and never
// fetches a URI other than file://. Files are read within bounds, and binary files are skipped.
//
// The SDK's own readers (archive.Archive.Open, asset.Asset.Read) are not used: they fetch http(s)
// URIs over the network, fail an assertion (a panic) on a tar entry that is neither a file nor a
// directory, and list a whole directory tree before reading any of it.
const (
	maxFileBytes     = 1 << 20  // read of each file
	maxResourceBytes = 16 << 20 // read of all the files of one resource
	maxResourceFiles = 2000     // files of one resource
	maxArchiveStream = 64 << 20 // bytes of a tar stream walked, skipped entries included
	binarySniffLen   = 8000     // bytes looked at for a NUL, as git does to tell binary files
)

// fileBudget is what one resource may still read; capped says a bound was reached.
type fileBudget struct {
	bytes, files int
	capped       bool
	cappedAt     string
}

// spent reports whether the resource's file budget is used up, and then records the cap.
func (w *credWalk) spent() bool {
	if w.files.files >= maxResourceFiles || w.files.bytes >= maxResourceBytes {
		w.cap()
		return true
	}
	return false
}

// take reserves a file of size bytes and returns how many of them to read (0: none).
func (w *credWalk) take(size int64) int {
	if w.spent() {
		return 0
	}
	n := min(size, maxFileBytes, int64(maxResourceBytes-w.files.bytes))
	if n < size {
		w.cap()
	}
	w.files.files++
	return int(n)
}

func (w *credWalk) cap() {
	if !w.files.capped {
		w.files.capped, w.files.cappedAt = true, w.where()
	}
}

// capNote is the undecided line for a resource whose files were not all read.
func (w *credWalk) capNote() string {
	return fmt.Sprintf("Input %s: the pack reads at most %d MiB of a file and %d MiB or %d files of a "+
		"resource's assets and archives; the rest was not inspected for credentials.",
		w.files.cappedAt, maxFileBytes>>20, maxResourceBytes>>20, maxResourceFiles)
}

// readText reads a file within the bounds and scans it, unless it is binary. name is its name,
// which says whether credential names assigned in it count (see setsVariables).
func (w *credWalk) readText(r io.Reader, size int64, name string, secret bool) {
	n := w.take(size)
	if n <= 0 {
		return
	}
	b, err := io.ReadAll(io.LimitReader(r, int64(n)))
	w.files.bytes += len(b)
	if err != nil || bytes.IndexByte(b[:min(len(b), binarySniffLen)], 0) >= 0 {
		return
	}
	w.text(string(b), under{}, secret, setsVariables(name))
}

// setsVariables reports whether a file, by its name, sets environment variables: an env file
// (ECS environmentFiles must end in .env), a shell script, a Dockerfile, an AWS credentials file.
// In those a credential name assigned any value is a violation, as in a string input. Other
// files (source code, vendored SDKs, their JSON models) name credential variables in ordinary
// code (boto3's aws_access_key_id=None, the SDKs' AccessKeyId fields), so there only
// credential-shaped values count.
func setsVariables(name string) bool {
	base := strings.ToLower(filepath.Base(name))
	switch {
	case base == ".env", base == ".envrc", base == "credentials", base == "dockerfile",
		strings.HasPrefix(base, ".env."), strings.HasSuffix(base, ".dockerfile"):
		return true
	}
	switch filepath.Ext(base) {
	case ".env", ".sh", ".bash", ".zsh":
		return true
	}
	return false
}

// asset scans an asset: its text, or the file it names. member is its name in an archive ("" for
// an input's own asset, whose text is written inline like a string input's).
func (w *credWalk) asset(a *asset.Asset, member string, secret bool) {
	switch {
	case a.Text != "":
		w.text(a.Text, under{}, secret, member == "" || setsVariables(member))
	case a.Path != "":
		w.file(a.Path, secret)
	case a.URI != "":
		if p, ok := fileURI(a.URI); ok {
			w.file(p, secret)
		}
	}
}

// archive scans an archive: its assets and archives, or the directory or archive file it names.
func (w *credWalk) archive(a *archive.Archive, secret bool) {
	switch {
	case a.Assets != nil:
		for _, name := range slices.Sorted(maps.Keys(a.Assets)) {
			w.pushKey(name)
			switch m := a.Assets[name].(type) {
			case *asset.Asset:
				w.asset(m, name, secret)
			case *archive.Archive:
				w.archive(m, secret)
			}
			w.pop()
		}
	case a.Path != "":
		w.archivePath(a.Path, secret)
	case a.URI != "":
		if p, ok := fileURI(a.URI); ok {
			w.archivePath(p, secret)
		}
	}
}

// fileURI returns the path of a file:// URI.
func fileURI(uri string) (string, bool) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" || u.Path == "" {
		return "", false
	}
	return u.Path, true
}

// file scans the regular file at path; anything else (missing, a directory, a device, a FIFO
// that would block) is not read.
func (w *credWalk) file(path string, secret bool) {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	w.readText(f, st.Size(), path, secret)
}

// archivePath scans a directory, or a zip, jar, tar or gzipped tar file, by the extension the
// SDK reads archives by.
func (w *credWalk) archivePath(path string, secret bool) {
	st, err := os.Stat(path)
	if err != nil {
		return
	}
	if st.IsDir() {
		w.dir(path, secret)
		return
	}
	if !st.Mode().IsRegular() {
		return
	}
	switch archiveFormat(path) {
	case archive.ZIPArchive, archive.JARArchive:
		w.zipFile(path, secret)
	case archive.TarArchive:
		w.tarFile(path, false, secret)
	case archive.TarGZIPArchive:
		w.tarFile(path, true, secret)
	}
}

func archiveFormat(path string) archive.Format {
	for ext, f := range archive.ArchiveExts {
		if strings.HasSuffix(path, ext) {
			return f
		}
	}
	return archive.NotArchive
}

// dir scans the files under a directory, as the SDK archives it: .pulumi skipped, symbolic
// links to files followed, to directories not.
func (w *credWalk) dir(root string, secret bool) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable entry is skipped, like a missing file
		}
		if d.Name() == archive.BookkeepingDir && d.IsDir() {
			return filepath.SkipDir
		}
		if d.IsDir() {
			return nil
		}
		if w.spent() {
			return filepath.SkipAll
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return nil
		}
		w.pushKey(filepath.ToSlash(rel))
		w.file(p, secret)
		w.pop()
		return nil
	})
}

func (w *credWalk) zipFile(path string, secret bool) {
	r, err := zip.OpenReader(path)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return
	}
	defer r.Close()
	for _, f := range r.File {
		if f.FileInfo().IsDir() {
			continue
		}
		if w.spent() {
			return
		}
		rc, err := f.Open()
		if err != nil {
			continue
		}
		w.pushKey(f.Name)
		w.readText(rc, int64(min(f.UncompressedSize64, 1<<62)), f.Name, secret)
		w.pop()
		_ = rc.Close()
	}
}

func (w *credWalk) tarFile(path string, gzipped, secret bool) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	var stream io.Reader = f
	if gzipped {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return
		}
		defer gz.Close()
		stream = gz
	}
	limited := &io.LimitedReader{R: stream, N: maxArchiveStream}
	tr := tar.NewReader(limited)
	for {
		h, err := tr.Next()
		if err != nil {
			if limited.N <= 0 {
				w.cap()
			}
			return
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if w.spent() {
			return
		}
		w.pushKey(h.Name)
		w.readText(tr, h.Size, h.Name, secret)
		w.pop()
	}
}
