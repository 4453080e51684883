package iamdata

import (
	"reflect"
	"testing"
)

// FuzzUnmarshalText checks that no input makes the table reader (the full one and the lazy index
// the lookups use) panic, and that a table read is written back to a table that reads the same.
func FuzzUnmarshalText(f *testing.F) {
	f.Add("snapshot 2026-08-22\nactions 2\ns3:GetObject\ns3:PutObject\npolicies 2\nA\t-\t0-1\t\"why\"\nservice-role/B\tdf\t-\t\"\"\n")
	f.Add("# c\nsnapshot 2026-08-22\nactions 0\npolicies 1\n/\t-\t-\t\"\"\n")
	f.Add(embedded[:4096])
	f.Fuzz(func(t *testing.T, text string) {
		if ix, err := newIndex(text); err == nil {
			for _, key := range []string{"A", "service-role/B", "", "zzz"} {
				if line, ok := ix.lookup(key); ok {
					_, _ = parsePolicy(line, len(ix.actions))
				}
			}
		}
		var tb Table
		if err := tb.UnmarshalText([]byte(text)); err != nil {
			return
		}
		out, err := tb.MarshalText()
		if err != nil {
			t.Fatalf("a table that reads cannot be written: %v", err)
		}
		var again Table
		if err := again.UnmarshalText(out); err != nil {
			t.Fatalf("a written table does not read: %v", err)
		}
		if !reflect.DeepEqual(tb, again) {
			t.Fatalf("round trip changed the table:\n%+v\n%+v", tb, again)
		}
	})
}
