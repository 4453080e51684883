package iampolicy

import (
	"testing"

	"github.com/keyless-ecs/railsapp/internal/iamdata"
)

// BenchmarkS3Grants measures judging parsed documents with the catalog, as the pack does once per
// document: the app's task-role policy, an execution role's policy, and broad shapes.
func BenchmarkS3Grants(b *testing.B) {
	docs := map[string]string{
		"task role": `{"Version":"2012-10-17","Statement":[
		  {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::app-uploads-prod"},
		  {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::app-uploads-prod/*"},
		  {"Effect":"Allow","Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"arn:aws:kms:us-east-1:111122223333:key/k"}]}`,
		"execution role": `{"Version":"2012-10-17","Statement":[
		  {"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchCheckLayerAvailability","ecr:GetDownloadUrlForLayer","ecr:BatchGetImage","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
		  {"Effect":"Allow","Action":["ssm:GetParameters","secretsmanager:GetSecretValue"],"Resource":["arn:aws:ssm:us-east-1:111122223333:parameter/app/*","arn:aws:secretsmanager:us-east-1:111122223333:secret:app-*"]}]}`,
		"s3 read wildcards": `{"Statement":{"Effect":"Allow","Action":["s3:Get*","s3:List*","s3-object-lambda:Get*"],"Resource":"*"}}`,
		"NotAction":         `{"Statement":{"Effect":"Allow","NotAction":["iam:*","organizations:*","account:*"],"Resource":"*"}}`,
		"NotResource":       `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","NotResource":["arn:aws:s3:::other/*","arn:aws:s3:::other"]}}`,
	}
	c := DefaultCatalog()
	for name, text := range docs {
		d, err := ParseJSON(text)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_ = c.S3Grants(d)
			}
		})
	}
}

// BenchmarkNewCatalog measures building the default catalog from the embedded snapshot, which the
// pack pays once, on the first document it judges.
func BenchmarkNewCatalog(b *testing.B) {
	actions := iamdata.S3Actions()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NewCatalog(actions); err != nil {
			b.Fatal(err)
		}
	}
}
