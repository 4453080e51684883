package components

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
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

// The task role's S3 actions. Active Storage needs exactly these: ListBucket on the bucket for
// delete_prefixed (variant purge) and for HeadObject to answer 404 rather than 403; Get/Put/Delete
// on objects.
var (
	bucketActions = []string{"s3:ListBucket"}
	objectActions = []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
)

func marshalDocument(doc policyDocument) string {
	doc.Version = awsfacts.IAMPolicyVersion
	return mustJSON(doc)
}

// mustJSON marshals values made only of strings, numbers, bools, slices and maps of them, which
// cannot fail.
func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("marshal %T: %v", v, err))
	}
	return string(b)
}

// taskPolicyDocument is the task role's least-privilege policy for Active Storage.
func taskPolicyDocument(bucketARN string, allowAbort bool, kmsKeyArn string) string {
	objActs := slices.Clone(objectActions)
	if allowAbort {
		objActs = append(objActs, "s3:AbortMultipartUpload")
	}
	doc := policyDocument{Statement: []statement{
		{Sid: "ListBucket", Effect: "Allow", Action: bucketActions, Resource: []string{bucketARN}},
		{Sid: "ReadWriteDeleteObjects", Effect: "Allow", Action: objActs, Resource: []string{bucketARN + "/*"}},
	}}
	if kmsKeyArn != "" {
		doc.Statement = append(doc.Statement, statement{Sid: "UseBucketKmsKey", Effect: "Allow",
			Action: []string{awsfacts.KMSGenerateDataKey, awsfacts.KMSDecrypt}, Resource: []string{kmsKeyArn}})
	}
	return marshalDocument(doc)
}

// execCommandPolicyDocument lets the SSM agent in the task open ECS Exec sessions.
func execCommandPolicyDocument() string {
	return marshalDocument(policyDocument{Statement: []statement{{
		Sid: "EcsExecSessions", Effect: "Allow", Action: awsfacts.ExecCommandActions(), Resource: []string{"*"},
	}}})
}

// taskTrustPolicy lets only ECS tasks of this account, in this region, assume the task role
// (the confused-deputy conditions AWS documents for task roles).
func taskTrustPolicy(partition, region, account string) string {
	ecsARN := awsfacts.ARN{Partition: partition, Service: "ecs", Region: region, AccountID: account, Resource: "*"}
	return marshalDocument(policyDocument{Statement: []statement{{
		Sid:       "EcsTasksAssumeRole",
		Effect:    "Allow",
		Principal: servicePrincipal{Service: awsfacts.ECSTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
		Condition: map[string]map[string]string{
			"ArnLike":      {"aws:SourceArn": ecsARN.String()},
			"StringEquals": {"aws:SourceAccount": account},
		},
	}}})
}

// executionTrustPolicy is the plain ECS trust policy AWS documents for task execution roles.
func executionTrustPolicy() string {
	return marshalDocument(policyDocument{Statement: []statement{{
		Sid:       "EcsTasksAssumeRole",
		Effect:    "Allow",
		Principal: servicePrincipal{Service: awsfacts.ECSTasksPrincipal},
		Action:    []string{"sts:AssumeRole"},
	}}})
}

// secretsReadPolicy lets the execution role read exactly the given secrets (ECS injects them) and
// decrypt with exactly the given customer managed keys; it returns "" when there is nothing to
// grant.
func secretsReadPolicy(secrets map[string]awsfacts.SecretRef, kmsKeyArns []string) string {
	byAction := map[string][]string{}
	for _, ref := range secrets {
		byAction[ref.Action()] = append(byAction[ref.Action()], ref.GrantResource())
	}
	var sts []statement
	for _, g := range []struct{ sid, action string }{
		{"ReadSsmParameters", awsfacts.SSMGetParameters},
		{"ReadSecretsManagerSecrets", awsfacts.SecretsManagerGetSecretValue},
	} {
		if res := byAction[g.action]; len(res) > 0 {
			sts = append(sts, statement{Sid: g.sid, Effect: "Allow", Action: []string{g.action}, Resource: uniqueSorted(res)})
		}
	}
	if len(kmsKeyArns) > 0 {
		sts = append(sts, statement{Sid: "DecryptSecrets", Effect: "Allow", Action: []string{awsfacts.KMSDecrypt},
			Resource: uniqueSorted(kmsKeyArns)})
	}
	if len(sts) == 0 {
		return ""
	}
	return marshalDocument(policyDocument{Statement: sts})
}

// tlsOnlyBucketPolicy denies every request to the bucket that does not use TLS.
func tlsOnlyBucketPolicy(bucketARN string) string {
	return marshalDocument(policyDocument{Statement: []statement{{
		Sid:       "DenyInsecureTransport",
		Effect:    "Deny",
		Principal: "*",
		Action:    []string{"s3:*"},
		Resource:  []string{bucketARN, bucketARN + "/*"},
		Condition: map[string]map[string]string{"Bool": {"aws:SecureTransport": "false"}},
	}}})
}

func uniqueSorted(in []string) []string {
	out := slices.Clone(in)
	slices.Sort(out)
	return slices.Compact(out)
}

func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }

// containerDefinition is the subset of an ECS container definition the component sets.
type containerDefinition struct {
	Name             string           `json:"name"`
	Image            string           `json:"image"`
	Essential        bool             `json:"essential"`
	PortMappings     []portMapping    `json:"portMappings"`
	Environment      []keyValuePair   `json:"environment"`
	Secrets          []secretRef      `json:"secrets,omitempty"`
	LinuxParameters  *linuxParameters `json:"linuxParameters,omitempty"`
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

type linuxParameters struct {
	InitProcessEnabled bool `json:"initProcessEnabled"`
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
	for _, k := range sortedKeys(a.ContainerEnv) {
		env = append(env, keyValuePair{Name: k, Value: a.ContainerEnv[k]})
	}
	var secrets []secretRef
	for _, k := range sortedKeys(a.Secrets) {
		secrets = append(secrets, secretRef{Name: k, ValueFrom: a.Secrets[k]})
	}
	def := containerDefinition{
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
	}
	if a.EnableExecCommand {
		// An init process reaps the SSM agent's child processes of ECS Exec sessions (AWS's
		// recommendation for ECS Exec).
		def.LinuxParameters = &linuxParameters{InitProcessEnabled: true}
	}
	return mustJSON([]containerDefinition{def})
}

// StorageYml is the config/storage.yml block for Rails: no keys, the bucket from the environment
// variable the task definition sets, the region of the stack. Rails evaluates the ERB of every
// service in every environment, so the bucket falls back to nil where the variable is not set
// (development, test, CI), which is harmless as long as those environments use another service.
func StorageYml(region string) string {
	return strings.Join([]string{
		"amazon:",
		"  service: S3",
		"  region: " + region,
		`  bucket: <%= ENV.fetch("` + EnvBucketName + `", nil) %>`,
	}, "\n") + "\n"
}
