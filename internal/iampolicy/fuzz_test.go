package iampolicy

import "testing"

// FuzzParse checks that no input makes the parser or the queries panic.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`,
		`{"Statement":[{"Effect":"Allow","NotAction":["iam:*"],"NotResource":"arn:aws:s3:::b/*","Principal":{"AWS":"*"},"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`,
		`{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::*"]}]}`,
		`[]`, `null`, `{"Statement":7}`, `{"Statement":[{"Effect":"Allow","Action":"**?*","Resource":"?*"}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseJSON(s)
		if err != nil {
			if d != nil {
				t.Fatal("document returned with an error")
			}
			return
		}
		_ = d.S3Grants()
		_ = d.BroadS3Statements([]string{"s3:ListAllMyBuckets"})
		_ = d.DeniesInsecureTransport("arn:aws:s3:::b")
		_ = d.PublicAllows()
		for _, st := range d.Statements {
			_ = st.Principal.Services()
			_ = st.Principal.Others()
			_ = st.ActionsMatch("s3:GetObject")
		}
	})
}
