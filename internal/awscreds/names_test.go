package awscreds

import (
	"testing"
)

func TestClassifyName(t *testing.T) {
	for want, names := range map[NameKind][]string{
		SecretAccessKeyName: {
			"AWS_SECRET_ACCESS_KEY", "aws_secret_access_key", "AMAZON_SECRET_ACCESS_KEY", "AWS_SECRET_KEY",
			"S3_SECRET_ACCESS_KEY", "secret_access_key", "secretAccessKey", "SecretAccessKey", "awsSecretKey",
			"AWSSecretKey", "aws.secretKey", "aws.secretAccessKey", "-Daws.secretKey", "aws:secretKey",
			"--aws-secret-access-key", "/app/aws_secret_access_key", "/prod/app/aws/secret", "AWS_SECRET",
			"aws_iam_user_secret_key", "AWSSECRETACCESSKEY", "awssecretaccesskey", "s3SecretKey",
			"aws_access_key_secret", "AWS_SECRET_ACCESS_KEY_PROD",
		},
		AccessKeyIDName: {
			"AWS_ACCESS_KEY_ID", "AMAZON_ACCESS_KEY_ID", "AWS_ACCESS_KEY", "access_key_id", "accessKeyId",
			"AccessKeyId", "awsAccessKeyID", "aws.accessKeyId", "-Daws.accessKeyId", "aws:accessKey",
			"AWSAccessKeyId", "AWSACCESSKEYID", "aws_key_id",
		},
		SessionTokenName: {
			"AWS_SESSION_TOKEN", "AMAZON_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "aws_session_token",
			"aws.sessionToken", "aws:token", "X-Amz-Security-Token", "AWSSESSIONTOKEN",
		},
		NotCredentialName: {
			"", "AWS_REGION", "AWS_S3_BUCKET_NAME", "jwt_secret", "AWS_JWT_SECRET", "SECRET_KEY_BASE",
			"secretKey", "accessKey", "token", "SESSION_TOKEN", "sessionToken", "session_token",
			"AWS_SECRET_NAME", "AWS_SECRETS_MANAGER_SECRET_ID", "aws_secret_arn", "AWS_SECRET_ACCESS_KEY_FILE",
			"AWS_ACCESS_KEY_ID_PARAM", "aws_secret_access_key_path", "AWS_SESSION_TOKEN_URL",
			"RAILS_MASTER_KEY", "AWS_PROFILE", "AWS_ROLE_ARN", "AWS_CONTAINER_AUTHORIZATION_TOKEN",
			"GITHUB_TOKEN", "api_key", "laws_secret_keys", "processKeyId", "value", "name",
		},
	} {
		for _, n := range names {
			if got := ClassifyName(n); got != want {
				t.Errorf("ClassifyName(%q) = %v, want %v", n, got, want)
			}
		}
	}
}

func TestEveryEnvNameIsACredentialName(t *testing.T) {
	for _, n := range CredentialEnvNames() {
		if !IsCredentialName(n) {
			t.Errorf("%s is in the env list but not a credential name", n)
		}
	}
}

func TestCredentialEnvNames(t *testing.T) {
	for _, n := range []string{"AWS_ACCESS_KEY_ID", "aws_secret_access_key", " AMAZON_SESSION_TOKEN ", "AWS_SECRET_KEY", "AWS_SECURITY_TOKEN"} {
		if !IsCredentialEnvName(n) {
			t.Errorf("%q not recognised", n)
		}
	}
	for _, n := range []string{"AWS_REGION", "S3_SECRET_ACCESS_KEY", "AWS_PROFILE"} {
		if IsCredentialEnvName(n) {
			t.Errorf("%s is not a variable the SDKs read credentials from", n)
		}
	}
	names := CredentialEnvNames()
	names[0] = "changed"
	if CredentialEnvNames()[0] == "changed" {
		t.Error("CredentialEnvNames exposes its backing array")
	}
}

func TestChainDivertingEnvNames(t *testing.T) {
	if !IsChainDivertingEnvName("aws_profile") || IsChainDivertingEnvName("AWS_ACCESS_KEY_ID") {
		t.Error("IsChainDivertingEnvName misclassifies")
	}
	names := ChainDivertingEnvNames()
	names[0] = "changed"
	if ChainDivertingEnvNames()[0] == "changed" {
		t.Error("ChainDivertingEnvNames exposes its backing array")
	}
}

func TestWords(t *testing.T) {
	var buf [maxNameWords]string
	for in, want := range map[string]string{
		"awsSecretAccessKey":   "aws Secret Access Key",
		"AWSSecretKey":         "AWS Secret Key",
		"s3SecretKey":          "s3 Secret Key",
		"/app/aws_secret":      "app aws secret",
		"-Daws.accessKeyId":    "aws access Key Id",
		"X-Amz-Security-Token": "X Amz Security Token",
		"AWS_ACCESS_KEY_ID":    "AWS ACCESS KEY ID",
		"v2Key":                "v2 Key",
		"awsAccessKeyID":       "aws Access Key ID",
	} {
		w := words(in, buf[:0])
		got := ""
		for i, x := range w {
			if i > 0 {
				got += " "
			}
			got += x
		}
		if got != want {
			t.Errorf("words(%q) = %q, want %q", in, got, want)
		}
	}
}
