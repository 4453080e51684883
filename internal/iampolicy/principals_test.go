package iampolicy

import (
	"slices"
	"testing"

	"github.com/keyless-ecs/railsapp/internal/awsfacts"
)

func TestPrincipalRolesAndAccounts(t *testing.T) {
	uid := awsfacts.RoleUniqueIDPrefix + "EXAMPLE2345ROLEID67"
	d := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":{"AWS":[
		"arn:aws:iam::111122223333:role/ecs/app-exec",
		" arn:aws:sts::111122223333:assumed-role/app-task/ecs-session ",
		"`+uid+`",
		"111122223333",
		"arn:aws-cn:iam::444455556666:root",
		"arn:aws:iam::111122223333:user/deployer",
		"*"]}}}`)
	p := d.Statements[0].Principal
	want := []PrincipalRole{
		{Role: awsfacts.IAMRef{Partition: "aws", Account: "111122223333", Path: "/ecs/", Name: "app-exec"}, Value: "arn:aws:iam::111122223333:role/ecs/app-exec"},
		{Role: awsfacts.IAMRef{Partition: "aws", Account: "111122223333", Name: "app-task"}, Value: "arn:aws:sts::111122223333:assumed-role/app-task/ecs-session"},
		{UniqueID: uid, Value: uid},
	}
	if got := p.Roles(); !slices.Equal(got, want) {
		t.Errorf("Roles() =\n%+v\nwant\n%+v", got, want)
	}
	if got := p.Accounts(); !slices.Equal(got, []string{"111122223333", "444455556666"}) {
		t.Errorf("Accounts() = %v, want the account ID and the root ARN's account", got)
	}
	var none *Principal
	if none.Roles() != nil || none.Accounts() != nil {
		t.Error("a statement without the element names no role or account")
	}
}

func TestIdentityConditions(t *testing.T) {
	d := mustParse(t, `{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":"*","Condition":{
		"StringEquals":{"aws:PrincipalAccount":"111122223333","aws:SourceVpc":"vpc-1"},
		"ForAnyValue:ArnLikeIfExists":{"AWS:PrincipalARN":["arn:aws:iam::*:role/app-*"]},
		"StringNotEqualsIgnoreCase":{"aws:userid":"AROAEXAMPLE:x"},
		"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/other"},
		"Bool":{"aws:SecureTransport":"true"},
		"Null":{"aws:PrincipalArn":"false"}}}}`)
	want := []IdentityCondition{
		{Key: KeyPrincipalARN, Negate: true, Like: true, Values: []string{"arn:aws:iam::111122223333:role/other"}},
		{Key: KeyPrincipalARN, Like: true, Values: []string{"arn:aws:iam::*:role/app-*"}},
		{Key: KeyPrincipalAccount, Values: []string{"111122223333"}},
		{Key: KeyUserID, Negate: true, Values: []string{"AROAEXAMPLE:x"}},
	}
	got := d.Statements[0].IdentityConditions()
	if !slices.EqualFunc(got, want, func(a, b IdentityCondition) bool {
		return a.Key == b.Key && a.Like == b.Like && a.Negate == b.Negate && slices.Equal(a.Values, b.Values)
	}) {
		t.Errorf("IdentityConditions() =\n%+v\nwant\n%+v", got, want)
	}
}
