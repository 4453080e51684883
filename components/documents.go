package components

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// The documents below are built in Go from plain values (no provider invoke), so that whenever the
// names they mention are known, the JSON is a known string during preview and the policy pack can
// read it. encoding/json sorts map keys and the builders sort lists, so output is deterministic.

// policyDocument is an IAM policy document.
type policyDocument struct {
	Version   string      `json:"Version"`
	Statement []statement `json:"Statement"`
}

type statement struct {
	Sid       string                       `json:"Sid,omitempty"`
	Effect    string                       `json:"Effect"`
	Principal any                          `json:"Principal,omitempty"`
	Action    []string                     `json:"Action"`
	Resource  []string                     `json:"Resource,omitempty"`
	Condition map[string]map[string]string `json:"Condition,omitempty"`
}

type servicePrincipal struct {
	Service string `json:"Service"`
}

const (
	iamVersion          = "2012-10-17"
	ecsTasksPrincipal   = "ecs-tasks.amazonaws.com"
	executionPolicyPath = "policy/service-role/AmazonECSTaskExecutionRolePolicy"
)

// The task role's S3 actions. Active Storage needs exactly these (rails-aws-semantics §1.2):
// ListBucket on the bucket for delete_prefixed (variant purge) and for HeadObject to answer 404 rather
// than 403; Get/Put/Delete on objects.
var (
	bucketActions = []string{"s3:ListBucket"}
	objectActions = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
	kmsActions    = []string{"kms:GenerateDataKey", "kms:Decrypt"}
)

func marshalDocument(doc policyDocument) string {
	b, err := json.Marshal(doc)
	if err != nil {
		// Only strings, slices and maps of strings: cannot fail.
		panic(fmt.Sprintf("marshal policy document: %v", err))
	}
	return string(b)
}

// bucketArn is the ARN of an S3 bucket: S3 ARNs carry neither region nor account.
func bucketArn(partition, bucket string) string { return "arn:" + partition + ":s3:::" + bucket }

// roleArn is the ARN of a role created at the default path "/".
func roleArn(partition, account, name string) string {
	return "arn:" + partition + ":iam::" + account + ":role/" + name
}

// policyArn is the ARN of a customer managed policy created at the default path "/".
func policyArn(partition, account, name string) string {
	return "arn:" + partition + ":iam::" + account + ":policy/" + name
}

// managedExecutionPolicyArn is AWS's managed policy for the ECS agent (ECR pull, CloudWatch Logs).
func managedExecutionPolicyArn(partition string) string {
	return "arn:" + partition + ":iam::aws:" + executionPolicyPath
}

// taskPolicyDocument is the task role's least-privilege policy for Active Storage.
func taskPolicyDocument(bucketARN string, allowAbort bool, kmsKeyArn string) string {
	objActs := append([]string(nil), objectActions...)
	if allowAbort {
		objActs = append(objActs, "s3:AbortMultipartUpload")
	}
	doc := policyDocument{Version: iamVersion, Statement: []statement{
		{Sid: "ListBucket", Effect: "Allow", Action: bucketActions, Resource: []string{bucketARN}},
		{Sid: "ReadWriteDeleteObjects", Effect: "Allow", Action: objActs, Resource: []string{bucketARN + "/*"}},
	}}
	if kmsKeyArn != "" {
		doc.Statement = append(doc.Statement, statement{
			Sid: "UseBucketKmsKey", Effect: "Allow", Action: kmsActions, Resource: []string{kmsKeyArn},
		})
	}
	return marshalDocument(doc)
}

// taskTrustPolicy lets only ECS tasks of this account, in this region, assume the task role
// (the confused-deputy conditions AWS documents for task roles).
func taskTrustPolicy(partition, region, account string) string {
	return marshalDocument(policyDocument{Version: iamVersion, Statement: []statement{{
		Sid:       "EcsTasksAssumeRole",
		Effect:    "Allow",
		Principal: servicePrincipal{Service: ecsTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]string{
			"ArnLike":      {"aws:SourceArn": "arn:" + partition + ":ecs:" + region + ":" + account + ":*"},
			"StringEquals": {"aws:SourceAccount": account},
		},
	}}})
}

// executionTrustPolicy is the plain ECS trust policy AWS documents for task execution roles.
func executionTrustPolicy() string {
	return marshalDocument(policyDocument{Version: iamVersion, Statement: []statement{{
		Sid:       "EcsTasksAssumeRole",
		Effect:    "Allow",
		Principal: servicePrincipal{Service: ecsTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
	}}})
}

// secretsReadPolicy lets the execution role read exactly the given secret ARNs, so ECS can inject
// them; it returns "" when there are none.
func secretsReadPolicy(secrets map[string]string) string {
	var ssm, sm []string
	for _, arn := range secrets {
		if ssmParamArnRe.MatchString(arn) {
			ssm = append(ssm, arn)
		} else {
			sm = append(sm, arn)
		}
	}
	ssm, sm = uniqueSorted(ssm), uniqueSorted(sm)
	var sts []statement
	if len(ssm) > 0 {
		sts = append(sts, statement{Sid: "ReadSsmParameters", Effect: "Allow",
			Action: []string{"ssm:GetParameters"}, Resource: ssm})
	}
	if len(sm) > 0 {
		sts = append(sts, statement{Sid: "ReadSecretsManagerSecrets", Effect: "Allow",
			Action: []string{"secretsmanager:GetSecretValue"}, Resource: sm})
	}
	if len(sts) == 0 {
		return ""
	}
	return marshalDocument(policyDocument{Version: iamVersion, Statement: sts})
}

// tlsOnlyBucketPolicy denies every request to the bucket that does not use TLS.
func tlsOnlyBucketPolicy(bucketARN string) string {
	return marshalDocument(policyDocument{Version: iamVersion, Statement: []statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: "*",
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}}})
}

func uniqueSorted(in []string) []string {
	sort.Strings(in)
	out := in[:0]
	for i, s := range in {
		if i == 0 || s != in[i-1] {
			out = append(out, s)
		}
	}
	return out
}

// containerDefinition is the subset of an ECS container definition the component sets.
type containerDefinition struct {
	Name             string           `json:"name"`
	Image            string           `json:"image"`
	Essential        bool             `json:"essential"`
	PortMappings     []portMapping    `json:"portMappings"`
	Environment      []keyValuePair   `json:"environment"`
	Secrets          []secretRef      `json:"secrets,omitempty"`
	LogConfiguration logConfiguration `json:"logConfiguration"`
}

type portMapping struct {
	ContainerPort int    `json:"containerPort"`
	HostPort      int    `json:"hostPort"`
	Protocol      string `json:"protocol"`
}

type keyValuePair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type secretRef struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

type logConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options"`
}

// containerDefinitionsJSON renders the task's single container. The environment carries the bucket
// name and region for config/storage.yml, the validated user variables, and never a credential:
// the AWS SDK in the container finds the task role's credentials by itself.
func containerDefinitionsJSON(a ActiveStorageArgs, bucketName, region, logGroup string) string {
	env := []keyValuePair{{Name: EnvBucketName, Value: bucketName}, {Name: EnvRegion, Value: region}}
	for _, k := range sortedStringKeys(a.ContainerEnv) {
		env = append(env, keyValuePair{Name: k, Value: a.ContainerEnv[k]})
	}
	var secrets []secretRef
	for _, k := range sortedStringKeys(a.Secrets) {
		secrets = append(secrets, secretRef{Name: k, ValueFrom: a.Secrets[k]})
	}
	defs := []containerDefinition{{
		Name:      a.ContainerName,
		Image:     a.Image,
		Essential: true,
		// awsvpc: the host port, if given, must equal the container port.
		PortMappings: []portMapping{{ContainerPort: a.ContainerPort, HostPort: a.ContainerPort, Protocol: "tcp"}},
		Environment:  env,
		Secrets:      secrets,
		LogConfiguration: logConfiguration{LogDriver: "awslogs", Options: map[string]string{
			"awslogs-group":         logGroup,
			"awslogs-region":        region,
			"awslogs-stream-prefix": a.ContainerName,
		}},
	}}
	b, err := json.Marshal(defs)
	if err != nil {
		panic(fmt.Sprintf("marshal container definitions: %v", err))
	}
	return string(b)
}

// StorageYml is the config/storage.yml block for Rails: no keys, the bucket from the environment
// variable the task definition sets, the region of the stack.
func StorageYml(region string) string {
	return strings.Join([]string{
		"amazon:",
		"  service: S3",
		"  region: " + region,
		`  bucket: <%= ENV.fetch("AWS_S3_BUCKET_NAME") %>`,
	}, "\n") + "\n"
}
