package awsfacts

import "slices"

// S3ResourceForm is one kind of resource that the S3 family of IAM service prefixes acts on, with
// an example ARN of that form (partition aws, AWS's documentation account and bucket names).
type S3ResourceForm struct {
	Kind    string
	Example string
}

// s3ResourceForms are the ARN forms of S3-family resources (Service Authorization Reference,
// resource types of Amazon S3, S3 Object Lambda, S3 on Outposts, S3 Express One Zone, S3 Tables
// and S3 Vectors). Account-level actions (s3:ListAllMyBuckets, …) take the resource "*" instead.
var s3ResourceForms = []S3ResourceForm{
	{"general purpose bucket", "arn:aws:s3:::amzn-s3-demo-bucket"},
	{"object", "arn:aws:s3:::amzn-s3-demo-bucket/example.txt"},
	{"access point", "arn:aws:s3:us-east-1:111122223333:accesspoint/example"},
	{"object through an access point", "arn:aws:s3:us-east-1:111122223333:accesspoint/example/object/example.txt"},
	{"Multi-Region Access Point", "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"},
	{"S3 Batch Operations job", "arn:aws:s3:us-east-1:111122223333:job/example"},
	{"Object Lambda access point", "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/example"},
	{"Outposts bucket", "arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-01ac5d28a6a232904/bucket/example"},
	{"Outposts access point", "arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-01ac5d28a6a232904/accesspoint/example"},
	{"directory bucket", "arn:aws:s3express:us-east-1:111122223333:bucket/example--use1-az4--x-s3"},
	{"table bucket", "arn:aws:s3tables:us-east-1:111122223333:bucket/example"},
	{"table", "arn:aws:s3tables:us-east-1:111122223333:bucket/example/table/example"},
	{"vector bucket", "arn:aws:s3vectors:us-east-1:111122223333:bucket/example"},
	{"vector index", "arn:aws:s3vectors:us-east-1:111122223333:bucket/example/index/example"},
}

// S3ResourceForms returns the ARN forms of S3-family resources, one example each.
func S3ResourceForms() []S3ResourceForm { return slices.Clone(s3ResourceForms) }
