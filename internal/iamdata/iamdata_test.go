package iamdata

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

func TestEmbeddedTable(t *testing.T) {
	if err := Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
	var tb Table
	if err := tb.UnmarshalText([]byte(embedded)); err != nil {
		t.Fatalf("the embedded table does not parse: %v", err)
	}
	if SnapshotDate() != tb.Snapshot || SnapshotDate() == "" {
		t.Errorf("SnapshotDate = %q, table %q", SnapshotDate(), tb.Snapshot)
	}
	if !slices.Equal(S3Actions(), tb.Actions) {
		t.Errorf("S3Actions disagrees with the table (%d/%d actions)", len(S3Actions()), len(tb.Actions))
	}
	if ix, err := loadIndex(); err != nil || len(ix.lines) != len(tb.Policies) {
		t.Errorf("the index of the embedded table disagrees with it (err %v)", err)
	}
	out, err := tb.MarshalText()
	if err != nil || string(out) != embedded {
		t.Errorf("the embedded table does not survive a round trip (err %v)", err)
	}
}

// TestEveryPolicyFoundByItsARN looks every policy of the table up by its ARN in two partitions:
// the lookup and the table's order agree.
func TestEveryPolicyFoundByItsARN(t *testing.T) {
	var tb Table
	if err := tb.UnmarshalText([]byte(embedded)); err != nil {
		t.Fatal(err)
	}
	for _, p := range tb.Policies {
		for _, partition := range []string{"aws", "aws-us-gov"} {
			arn := Entry{Policy: p}.ARN(partition)
			e, ok := byARN(arn)
			if !ok || !reflect.DeepEqual(e.Policy, p) {
				t.Fatalf("ManagedPolicy(%q) = %+v, %v; want %+v", arn, e.Policy, ok, p)
			}
		}
	}
}

func TestManagedPolicy(t *testing.T) {
	cases := []struct {
		arn      string
		found    bool
		grantsS3 bool
		has, not []string
		future   bool
	}{
		{"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess", true, true,
			[]string{"s3:GetObject", "s3:ListBucket", "s3-object-lambda:GetObject"}, []string{"s3:PutObject", "s3:DeleteObject"}, true},
		{"arn:aws:iam::aws:policy/AmazonS3FullAccess", true, true, []string{"s3:PutObject", "s3:DeleteBucket"}, []string{"s3tables:GetTable"}, true},
		{"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", true, false, nil, nil, false},
		{"arn:aws:iam::aws:policy/ReadOnlyAccess", true, true, []string{"s3:GetObject", "s3tables:GetTable"}, []string{"s3:PutObject"}, true},
		{"arn:aws:iam::aws:policy/PowerUserAccess", true, true, []string{"s3:PutObject", "s3vectors:PutVectors"}, nil, true}, // NotAction
		{"arn:aws:iam::aws:policy/AdministratorAccess", true, true, []string{"s3:PutBucketPolicy", "s3express:CreateSession"}, nil, true},
		{"arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", true, true, []string{"s3:ListAllMyBuckets"}, []string{"s3:GetObject"}, false},
		// A conditional Allow of one exact action on AWS's own buckets still grants.
		{"arn:aws:iam::aws:policy/AWSQuickSetupPatchPolicyBaselineAccess", true, true, []string{"s3:GetObject"}, []string{"s3:ListBucket"}, false},
		// Deny statements grant nothing, NotAction or not.
		{"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy", true, false, nil, nil, false},
		// Any partition; names compare case-insensitively.
		{"arn:aws-cn:iam::aws:policy/AmazonS3FullAccess", true, true, []string{"s3:PutObject"}, nil, true},
		{"arn:aws:iam::aws:policy/amazons3fullaccess", true, true, []string{"s3:PutObject"}, nil, true},
		// The path is part of the identity.
		{"arn:aws:iam::aws:policy/AmazonECSTaskExecutionRolePolicy", false, false, nil, nil, false},
		{"arn:aws:iam::aws:policy/service-role/AmazonS3FullAccess", false, false, nil, nil, false},
		// Not in the snapshot, not AWS managed, not an ARN.
		{"arn:aws:iam::aws:policy/AmazonS3Zz9AddedNextWeek", false, false, nil, nil, false},
		{"arn:aws:iam::123456789012:policy/AmazonS3FullAccess", false, false, nil, nil, false},
		{"AmazonS3FullAccess", false, false, nil, nil, false},
		{"", false, false, nil, nil, false},
		{"arn:aws:iam::aws:role/AmazonS3FullAccess", false, false, nil, nil, false},
	}
	for _, c := range cases {
		e, ok := byARN(c.arn)
		if ok != c.found {
			t.Errorf("ManagedPolicy(%q) found = %v, want %v", c.arn, ok, c.found)
			continue
		}
		if !ok {
			continue
		}
		if e.GrantsS3() != c.grantsS3 || e.Future != c.future {
			t.Errorf("%s: GrantsS3 = %v, Future = %v; want %v, %v", c.arn, e.GrantsS3(), e.Future, c.grantsS3, c.future)
		}
		actions := e.S3Actions()
		for _, a := range c.has {
			if !slices.Contains(actions, a) {
				t.Errorf("%s does not grant %s", c.arn, a)
			}
		}
		for _, a := range c.not {
			if slices.Contains(actions, a) {
				t.Errorf("%s grants %s", c.arn, a)
			}
		}
		if e.GrantsS3() != (e.Why != "") {
			t.Errorf("%s: Why = %q with GrantsS3 %v", c.arn, e.Why, e.GrantsS3())
		}
	}
	admin, _ := byARN("arn:aws:iam::aws:policy/AdministratorAccess")
	if !slices.Equal(admin.S3Actions(), S3Actions()) || !strings.Contains(admin.Why, `Action "*"`) {
		t.Errorf("AdministratorAccess: %d of %d actions, Why %q", len(admin.S3Actions()), len(S3Actions()), admin.Why)
	}
	power, _ := byARN("arn:aws:iam::aws:policy/PowerUserAccess")
	if !strings.Contains(power.Why, "NotAction") {
		t.Errorf("PowerUserAccess: Why = %q, want the NotAction named", power.Why)
	}
}

func TestDeprecated(t *testing.T) {
	var tb Table
	if err := tb.UnmarshalText([]byte(embedded)); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range tb.Policies {
		if p.Deprecated {
			n++
			if e, ok := byARN(Entry{Policy: p}.ARN("aws")); !ok || !e.Deprecated {
				t.Errorf("%s: deprecated flag lost", p.Key())
			}
		}
	}
	if n == 0 || n == len(tb.Policies) {
		t.Errorf("%d of %d policies deprecated", n, len(tb.Policies))
	}
}

func TestTableRejects(t *testing.T) {
	good := "snapshot 2026-08-22\nactions 2\ns3:GetObject\ns3:PutObject\npolicies 2\nA\t-\t0-1\t\"statement 1: Action \\\"s3:*\\\"\"\nservice-role/B\td\t-\t\"\"\n"
	var tb Table
	if err := tb.UnmarshalText([]byte(good)); err != nil {
		t.Fatalf("a good table is refused: %v", err)
	}
	if len(tb.Policies) != 2 || !slices.Equal(tb.Policies[0].Actions, []int{0, 1}) || tb.Policies[1].Path != "/service-role/" || !tb.Policies[1].Deprecated {
		t.Fatalf("parsed %+v", tb)
	}
	bad := map[string]string{
		"no date":            strings.Replace(good, "2026-08-22", "Aug 2026", 1),
		"short action list":  strings.Replace(good, "actions 2", "actions 3", 1),
		"unsorted actions":   strings.Replace(good, "s3:GetObject\ns3:PutObject", "s3:PutObject\ns3:GetObject", 1),
		"wildcard action":    strings.Replace(good, "s3:PutObject", "s3:Put*", 1),
		"range past catalog": strings.Replace(good, "0-1", "0-2", 1),
		"descending ranges":  strings.Replace(good, "0-1", "1,0", 1),
		"unknown flag":       strings.Replace(good, "\td\t", "\tx\t", 1),
		"unquoted reason":    strings.Replace(good, "\t\"\"\n", "\tnone\n", 1),
		"unsorted policies":  strings.Replace(good, "A\t", "Z\t", 1),
		"trailing data":      good + "extra\n",
		"no final newline":   strings.TrimSuffix(good, "\n"),
		"huge count":         strings.Replace(good, "policies 2", "policies 99999999999", 1),
		"three fields":       strings.Replace(good, "\td\t-\t", "\td\t", 1),
	}
	for name, text := range bad {
		if err := new(Table).UnmarshalText([]byte(text)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// byARN looks a policy up by its ARN as written.
func byARN(arn string) (Entry, bool) {
	ref, ok := awsfacts.ParsePolicyARN(strings.TrimSpace(arn))
	if !ok {
		return Entry{}, false
	}
	return ManagedPolicy(ref)
}
