// Package awscredstest holds the fake AWS credentials every test of the credential scanner and
// the policy pack plants. They are assembled at run time so that repository secret scanners do
// not flag the source, and they are not AWS's documentation examples (which scanners allow-list).
package awscredstest

import "encoding/base64"

// KeyID is an access key ID with the given prefix (AKIA, ASIA, ABIA, ACCA, A3T…) and a base32 body.
func KeyID(prefix string) string { return prefix + "Z7QX2MWR" + "5TBN4HJK" }

// Secret is a secret access key: 40 characters of base64 with high entropy.
func Secret() string { return "q8Vt3" + "LmZ9x/Rk2" + "Wp7Nc+Hs4" + "Jd6Fy1Gb5" + "Te0Ua8Kv" }

// Token is shaped like an STS session token: a long base64 string of binary data.
func Token() string {
	b := make([]byte, 300)
	for i := range b {
		b[i] = byte(i*131 + i*i*7 + 29)
	}
	return "IQoJb3JpZ2lu" + base64.StdEncoding.EncodeToString(b)
}

// AppSecret is a 40-character high-entropy secret that is not an AWS key (a JWT signing key).
func AppSecret() string { return "Kf83jsQx" + "p2Lx9Vm4" + "Rt7Wc1Zb" + "6Yh0Na5q" + "Ud3Ge8Po" }
