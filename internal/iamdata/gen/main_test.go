package main

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
	"github.com/keyless-ecs/railsapp/internal/iampolicy"
)

// The generator runs in the iamdata folder; its tests run in gen/.
var (
	sourceDir = filepath.Join("..", defaultSource)
	tablePath = filepath.Join("..", defaultOut)
)

func TestGeneratorReproducesTable(t *testing.T) {
	got, err := generate(os.DirFS(sourceDir))
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	want, err := os.ReadFile(tablePath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is not what the generator makes of %s: run `go generate ./internal/iamdata` and commit the result",
			tablePath, sourceDir)
	}
}

// sourceDocuments reads every policy document of the committed source, by ARN, and the catalog.
func sourceDocuments(t *testing.T) (map[string]*iampolicy.Document, *iampolicy.Catalog) {
	t.Helper()
	src := os.DirFS(sourceDir)
	actions, err := readActions(src)
	if err != nil {
		t.Fatal(err)
	}
	cat, err := iampolicy.NewCatalog(actions)
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*iampolicy.Document{}
	err = readPolicies(src, func(ref awsfacts.IAMRef, _ bool, d *iampolicy.Document) {
		docs[awsfacts.PolicyARN(ref.Partition, ref.Account, ref.Path, ref.Name)] = d
	})
	if err != nil {
		t.Fatal(err)
	}
	return docs, cat
}

// TestRealDocuments judges AWS's own documents with the code the pack uses.
func TestRealDocuments(t *testing.T) {
	docs, cat := sourceDocuments(t)
	if len(docs) != 1643 {
		t.Errorf("%d documents, the source's README says 1,643", len(docs))
	}
	doc := func(name string) *iampolicy.Document {
		d, ok := docs["arn:aws:iam::aws:policy/"+name]
		if !ok {
			t.Fatalf("%s is not in the source", name)
		}
		return d
	}
	var s3AndLambda []string
	for _, a := range cat.Actions() {
		if strings.HasPrefix(a, "s3:") || strings.HasPrefix(a, "s3-object-lambda:") {
			s3AndLambda = append(s3AndLambda, a)
		}
	}
	cases := []struct {
		name     string
		grants   bool
		future   bool
		has, not []string
		exactly  []string
		why      string
	}{
		{name: "service-role/AmazonECSTaskExecutionRolePolicy"},
		{name: "AmazonS3ReadOnlyAccess", grants: true, future: true, has: []string{"s3:GetObject", "s3:ListBucket", "s3-object-lambda:GetObject"},
			not: []string{"s3:PutObject", "s3:DeleteObject", "s3:PutBucketPolicy"}, why: `Action "s3:Get*"`},
		{name: "AmazonS3FullAccess", grants: true, future: true, exactly: s3AndLambda, why: `Action "s3:*"`},
		{name: "ReadOnlyAccess", grants: true, future: true, has: []string{"s3:GetObject", "s3tables:GetTableData"}, not: []string{"s3:PutObject"}},
		{name: "PowerUserAccess", grants: true, future: true, exactly: cat.Actions(), why: "NotAction"},
		{name: "AdministratorAccess", grants: true, future: true, exactly: cat.Actions(), why: `Action "*"`},
		{name: "AWSQuickSetupPatchPolicyBaselineAccess", grants: true, exactly: []string{"s3:GetObject"}},
		{name: "root-task/S3UnlockBucketPolicy"},
		{name: "AmazonS3TablesReadOnlyAccess", grants: true, future: true, has: []string{"s3tables:GetTable"}, not: []string{"s3:GetObject", "s3tables:DeleteTable"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := doc(c.name)
			g := cat.S3Grants(d)
			if (len(g) > 0) != c.grants {
				t.Fatalf("grants = %v, want %v (%v)", len(g) > 0, c.grants, g)
			}
			actions, future := cat.S3Actions(d)
			if future != c.future {
				t.Errorf("future = %v, want %v", future, c.future)
			}
			for _, a := range c.has {
				if !slices.Contains(actions, a) {
					t.Errorf("%s is not granted", a)
				}
			}
			for _, a := range c.not {
				if slices.Contains(actions, a) {
					t.Errorf("%s is granted", a)
				}
			}
			if c.exactly != nil && !slices.Equal(actions, c.exactly) {
				t.Errorf("grants %d actions, want exactly %d", len(actions), len(c.exactly))
			}
			if c.why != "" && !strings.Contains(g[0].Why, c.why) {
				t.Errorf("Why = %q, want %q", g[0].Why, c.why)
			}
		})
	}
}

// gz compresses lines into a policies file.
func gz(t *testing.T, lines ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	for _, l := range lines {
		if _, err := w.Write([]byte(l + "\n")); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestGenerateSmallSource(t *testing.T) {
	src := fstest.MapFS{
		dateFile:    {Data: []byte("2026-01-02\n")},
		actionsFile: {Data: []byte("s3:*\ns3:GetObject\ns3:getObject\ns3:PutObject\ns3tables:GetTable\n")},
		policiesFile: {Data: gz(t,
			`{"arn":"arn:aws:iam::aws:policy/service-role/B","deprecated":true,"document":{"Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}}}`,
			`{"arn":"arn:aws:iam::aws:policy/A","deprecated":false,"document":{"Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}}`,
		)},
	}
	got, err := generate(src)
	if err != nil {
		t.Fatal(err)
	}
	want := `# Code generated by "go generate ./internal/iamdata" from source/; DO NOT EDIT.
# AWS managed policies and the S3-family actions each grants; see source/README.md.
snapshot 2026-01-02
actions 3
s3:GetObject
s3:PutObject
s3tables:GetTable
policies 2
A	-	-	""
service-role/B	df	0	"statement 1: Action \"s3:Get*\" (s3:GetObject and any AWS adds)"
`
	if string(got) != want {
		t.Fatalf("generate =\n%s\nwant\n%s", got, want)
	}
}

func TestGenerateRejects(t *testing.T) {
	good := fstest.MapFS{
		dateFile:     {Data: []byte("2026-01-02\n")},
		actionsFile:  {Data: []byte("s3:GetObject\n")},
		policiesFile: {Data: gz(t, `{"arn":"arn:aws:iam::aws:policy/A","deprecated":false,"document":{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}}`)},
	}
	if _, err := generate(good); err != nil {
		t.Fatalf("a good source is refused: %v", err)
	}
	with := func(name string, data []byte) fstest.MapFS {
		m := fstest.MapFS{}
		for k, v := range good {
			m[k] = v
		}
		if data == nil {
			delete(m, name)
		} else {
			m[name] = &fstest.MapFile{Data: data}
		}
		return m
	}
	line := func(s string) []byte { return gz(t, s) }
	cases := map[string]fstest.MapFS{
		"no date":                with(dateFile, nil),
		"bad date":               with(dateFile, []byte("August 2026")),
		"no actions":             with(actionsFile, []byte("\n")),
		"a wildcard of nothing":  with(actionsFile, []byte("s3:GetObject\ns3:Put*\n")),
		"an action without name": with(actionsFile, []byte("s3:\n")),
		"no policies file":       with(policiesFile, nil),
		"not gzip":               with(policiesFile, []byte("{}")),
		"empty":                  with(policiesFile, gz(t)),
		"customer managed":       with(policiesFile, line(`{"arn":"arn:aws:iam::123456789012:policy/A","deprecated":false,"document":{"Statement":[]}}`)),
		"other partition":        with(policiesFile, line(`{"arn":"arn:aws-cn:iam::aws:policy/A","deprecated":false,"document":{"Statement":[]}}`)),
		"no document":            with(policiesFile, line(`{"arn":"arn:aws:iam::aws:policy/A","deprecated":false}`)),
		"no deprecated flag":     with(policiesFile, line(`{"arn":"arn:aws:iam::aws:policy/A","document":{"Statement":[]}}`)),
		"unknown field":          with(policiesFile, line(`{"arn":"arn:aws:iam::aws:policy/A","deprecated":false,"document":{"Statement":[]},"x":1}`)),
		"malformed document":     with(policiesFile, line(`{"arn":"arn:aws:iam::aws:policy/A","deprecated":false,"document":{"Statement":{"Effect":"allow","Action":"s3:*"}}}`)),
		"listed twice": with(policiesFile, gz(t,
			`{"arn":"arn:aws:iam::aws:policy/A","deprecated":false,"document":{"Statement":[]}}`,
			`{"arn":"arn:aws:iam::aws:policy/a","deprecated":true,"document":{"Statement":[]}}`)),
	}
	for name, src := range cases {
		if _, err := generate(src); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
