package iamdata

import "testing"

// BenchmarkReadHead measures what the first use of the action catalog pays: reading the
// embedded table's header and catalog.
func BenchmarkReadHead(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readHead(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad measures what the first managed policy lookup pays on top: indexing the policy
// lines (it reads the head again).
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(embedded)))
	for b.Loop() {
		if _, err := newIndex(embedded); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalText measures reading the whole table, every policy line parsed (what tests
// and the generator do, not the pack).
func BenchmarkUnmarshalText(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var tb Table
		if err := tb.UnmarshalText([]byte(embedded)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManagedPolicy measures one lookup once the table is loaded.
func BenchmarkManagedPolicy(b *testing.B) {
	for _, arn := range []string{
		"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
		"arn:aws:iam::aws:policy/AdministratorAccess",
		"arn:aws:iam::aws:policy/Zz9NotInTheSnapshot",
	} {
		b.Run(arn[len("arn:aws:iam::aws:policy/"):], func(b *testing.B) {
			if err := Load(); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				e, _ := byARN(arn)
				_ = e.GrantsS3()
			}
		})
	}
}
