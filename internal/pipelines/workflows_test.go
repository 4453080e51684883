// Package pipelines_test checks the repository's GitHub workflows and actions (.github/): they
// parse, every script they reference exists, every local action they use exists, every remote
// action is pinned, and every command they run is a Makefile target or a command the README shows.
package pipelines_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// builtins are shell keywords and builtins: not commands a document has to define.
var builtins = []string{"if", "then", "else", "elif", "fi", "for", "in", "do", "done", "while", "until", "case", "esac",
	"!", "[", "test", "echo", "printf", "set", "cd", "export", "exit", "local", "read", "true", "false", "shift", "return",
	"trap", "pwd"}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// step is one step of a job or a composite action.
type step struct {
	Uses string `yaml:"uses"`
	Run  string `yaml:"run"`
}

type workflow struct {
	On   any `yaml:"on"`
	Jobs map[string]struct {
		Uses  string `yaml:"uses"`
		Steps []step `yaml:"steps"`
	} `yaml:"jobs"`
	Runs struct {
		Using string `yaml:"using"`
		Steps []step `yaml:"steps"`
	} `yaml:"runs"`
}

// file is a workflow or action file and the directory its $GITHUB_ACTION_PATH points at.
type file struct {
	path, actionDir string
	wf              workflow
}

func loadFiles(t *testing.T, root string) []file {
	t.Helper()
	var paths []string
	for _, pattern := range []string{".github/workflows/*.yml", ".github/workflows/*.yaml", ".github/actions/*/action.yml"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	if len(paths) < 4 {
		t.Fatalf("found only %d workflow and action files under .github", len(paths))
	}
	var files []file
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var wf workflow
		if err := yaml.Unmarshal(raw, &wf); err != nil {
			t.Errorf("%s does not parse: %v", p, err)
			continue
		}
		f := file{path: p, wf: wf}
		if filepath.Base(p) == "action.yml" {
			f.actionDir = filepath.Dir(p)
			if wf.Runs.Using != "composite" || len(wf.Runs.Steps) == 0 {
				t.Errorf("%s is not a composite action with steps", p)
			}
		} else if wf.On == nil || len(wf.Jobs) == 0 {
			t.Errorf("%s has no triggers or no jobs", p)
		}
		files = append(files, f)
	}
	return files
}

func (f file) steps() []step {
	out := slices.Clone(f.wf.Runs.Steps)
	for _, j := range f.wf.Jobs {
		out = append(out, j.Steps...)
		if j.Uses != "" {
			out = append(out, step{Uses: j.Uses})
		}
	}
	return out
}

// makeTargets are the Makefile's targets.
func makeTargets(t *testing.T, root string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^([A-Za-z0-9_.-]+):`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(string(raw), -1) {
		out = append(out, m[1])
	}
	return out
}

// readmeCommands are the commands in the README's shell code blocks.
func readmeCommands(t *testing.T, root string) []string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	in := false
	sc := bufio.NewScanner(strings.NewReader(string(raw)))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "```") {
			in = !in && (line == "```sh" || line == "```bash" || line == "```shell")
			continue
		}
		if !in {
			continue
		}
		out = append(out, commands(line)...)
	}
	return out
}

var (
	expr      = regexp.MustCompile(`\$\{\{[^}]*\}\}`)
	separator = regexp.MustCompile(`&&|\|\||;|\|`)
	assign    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*\+?=`)
)

// commands splits a shell line into the names of the commands it runs: the first word of each
// simple command, after keywords and variable assignments, including those inside "$(...)".
// Separators inside quotes do not split.
func commands(line string) []string {
	line = expr.ReplaceAllString(line, "X")
	var subs []string
	var b strings.Builder
	inSingle, inDouble := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\'' && !inDouble:
			inSingle = !inSingle
		case inSingle:
			if strings.IndexByte(";|&", c) >= 0 {
				c = '_'
			}
		case c == '"':
			inDouble = !inDouble
		case c == '$' && i+1 < len(line) && line[i+1] == '(':
			depth, j := 1, i+2
			for ; j < len(line) && depth > 0; j++ {
				switch line[j] {
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			subs = append(subs, line[i+2:j-1])
			b.WriteString("X")
			i = j - 1
			continue
		case c == '#' && !inDouble && (i == 0 || line[i-1] == ' '):
			i = len(line)
			continue
		case inDouble && strings.IndexByte(";|&", c) >= 0:
			c = '_'
		}
		b.WriteByte(c)
	}
	var out []string
	for _, part := range separator.Split(b.String(), -1) {
		words := strings.Fields(part)
		for len(words) > 0 {
			w := words[0]
			if slices.Contains([]string{"if", "then", "else", "elif", "do", "while", "until", "!"}, w) {
				words = words[1:]
				continue
			}
			if !assign.MatchString(w) {
				break
			}
			// An array assignment runs to its closing parenthesis.
			words = words[1:]
			if strings.Contains(w, "=(") && !strings.HasSuffix(w, ")") {
				for len(words) > 0 && !strings.HasSuffix(words[0], ")") {
					words = words[1:]
				}
				if len(words) > 0 {
					words = words[1:]
				}
			}
		}
		if len(words) == 0 {
			continue
		}
		w := strings.Trim(words[0], `"'`)
		if w == "" || strings.HasPrefix(w, "-") {
			continue
		}
		out = append(out, w)
	}
	for _, sub := range subs {
		out = append(out, commands(sub)...)
	}
	return out
}

// scriptLines joins continuation lines.
func scriptLines(run string) []string {
	var out []string
	cur := ""
	for _, l := range strings.Split(run, "\n") {
		if strings.HasSuffix(l, "\\") {
			cur += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		out = append(out, cur+l)
		cur = ""
	}
	return out
}

func TestWorkflowsRunOnlyWhatTheRepositoryDefines(t *testing.T) {
	root := repoRoot(t)
	targets := makeTargets(t, root)
	readme := readmeCommands(t, root)
	for _, want := range []string{"make", "pulumi", "keyless-audit", "curl", "sha256sum", "tar"} {
		if !slices.Contains(readme, want) {
			t.Errorf("the README shows no %q command; the pipelines' commands must be documented there", want)
		}
	}
	pathRe := regexp.MustCompile(`(?:\$GITHUB_ACTION_PATH|\.keyless)?[\w./$-]*\.sh\b`)
	for _, f := range loadFiles(t, root) {
		rel, _ := filepath.Rel(root, f.path)
		for _, s := range f.steps() {
			if s.Uses != "" {
				checkUses(t, root, rel, s.Uses)
			}
			for _, line := range scriptLines(s.Run) {
				for _, m := range pathRe.FindAllString(line, -1) {
					checkScript(t, root, f, rel, m)
				}
				for _, c := range commands(line) {
					switch {
					case slices.Contains(builtins, c):
					case c == "make":
						for _, target := range makeArgs(line) {
							if !slices.Contains(targets, target) {
								t.Errorf("%s runs `make %s`, which the Makefile does not define", rel, target)
							}
						}
					case strings.Contains(c, "/"):
						// An executable by path: a script of the repository, or a released command.
						base := filepath.Base(c)
						if !strings.HasSuffix(base, ".sh") && !slices.Contains(readme, base) {
							t.Errorf("%s runs %s, which the README does not show", rel, c)
						}
					case !slices.Contains(readme, c):
						t.Errorf("%s runs `%s`, which neither the Makefile nor the README defines", rel, c)
					}
				}
			}
		}
	}
}

// makeArgs returns the targets of the make commands in a line.
func makeArgs(line string) []string {
	var out []string
	for _, part := range separator.Split(expr.ReplaceAllString(line, "X"), -1) {
		words := strings.Fields(part)
		if len(words) == 0 || words[0] != "make" {
			continue
		}
		for _, w := range words[1:] {
			if !strings.HasPrefix(w, "-") && !strings.Contains(w, "=") {
				out = append(out, w)
			}
		}
	}
	return out
}

func checkScript(t *testing.T, root string, f file, rel, ref string) {
	t.Helper()
	p := ref
	switch {
	case strings.HasPrefix(p, "$GITHUB_ACTION_PATH"):
		if f.actionDir == "" {
			t.Errorf("%s uses $GITHUB_ACTION_PATH outside an action", rel)
			return
		}
		p = filepath.Join(f.actionDir, strings.TrimPrefix(p, "$GITHUB_ACTION_PATH"))
	case strings.HasPrefix(p, ".keyless/"):
		// This repository checked out at a release tag.
		p = filepath.Join(root, strings.TrimPrefix(p, ".keyless/"))
	default:
		p = filepath.Join(root, p)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Errorf("%s references the script %s, which does not exist", rel, ref)
		return
	}
	if st.Mode()&0o111 == 0 {
		t.Errorf("%s references the script %s, which is not executable", rel, ref)
	}
}

func checkUses(t *testing.T, root, rel, uses string) {
	t.Helper()
	if strings.HasPrefix(uses, "./") {
		if _, err := os.Stat(filepath.Join(root, uses, "action.yml")); err != nil {
			if _, err := os.Stat(filepath.Join(root, uses)); err != nil {
				t.Errorf("%s uses %s, which does not exist", rel, uses)
			}
		}
		return
	}
	name, ref, ok := strings.Cut(uses, "@")
	if !ok || ref == "" || ref == "main" || ref == "master" {
		t.Errorf("%s uses %s without pinning a release", rel, uses)
	}
	if strings.Count(name, "/") < 1 {
		t.Errorf("%s uses %q, which is not owner/repo", rel, uses)
	}
}

func TestCommandSplitting(t *testing.T) {
	got := commands(`dir="$(.keyless/install.sh "$V" x)"; if [ -n "$C" ]; then a=(--x "$C") A=1 keyless-audit report || status=$?; fi # note; rm`)
	want := []string{"[", "keyless-audit", "fi", ".keyless/install.sh"}
	if !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
	got = commands(`echo "::error::a preview failed; see the report" | tee x`)
	want = []string{"echo", "tee"}
	if !slices.Equal(got, want) {
		t.Errorf("commands = %q, want %q", got, want)
	}
}
