package components

import (
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every field of ActiveStorageArgs has exactly one setting, and every setting one field: a field
// added without a setting (or the reverse) fails here, before it can be missing from config
// loading, defaults, validation, the component's inputs or the docs, which all read Settings.
func TestEveryFieldHasExactlyOneSetting(t *testing.T) {
	var a ActiveStorageArgs
	v := reflect.ValueOf(&a).Elem()
	owner := map[string]string{} // field name → setting key
	keys := map[string]bool{}
	for _, s := range Settings() {
		require.False(t, keys[s.Key], "setting %s declared twice", s.Key)
		keys[s.Key] = true
		ptr := reflect.ValueOf(s.bind.field(&a)).Pointer()
		found := false
		for i := range v.NumField() {
			if v.Field(i).Addr().Pointer() == ptr {
				name := v.Type().Field(i).Name
				require.Empty(t, owner[name], "field %s has two settings: %s and %s", name, owner[name], s.Key)
				owner[name] = s.Key
				assert.True(t, equalFoldKey(name, s.Key), "setting %s is bound to field %s", s.Key, name)
				found = true
			}
		}
		require.True(t, found, "setting %s is bound to no field of ActiveStorageArgs", s.Key)
	}
	for i := range v.NumField() {
		assert.NotEmpty(t, owner[v.Type().Field(i).Name], "field %s has no setting", v.Type().Field(i).Name)
	}
}

// equalFoldKey: the key is the field's name in lowerCamel (KMSKeyArn → kmsKeyArn).
func equalFoldKey(field, key string) bool {
	lower := func(s string) string {
		b := []byte(s)
		for i := range b {
			if 'A' <= b[i] && b[i] <= 'Z' {
				b[i] += 'a' - 'A'
			}
		}
		return string(b)
	}
	return lower(field) == lower(key)
}

// Every setting is documented, and its type matches its field.
func TestSettingsAreDocumented(t *testing.T) {
	for _, s := range Settings() {
		assert.NotEmpty(t, s.Doc, s.Key)
		assert.NotEmpty(t, s.Allowed, s.Key)
		assert.NotEmpty(t, s.Default, s.Key)
		assert.Contains(t, []Type{TypeString, TypeBool, TypeInt, TypeStringList, TypeStringMap}, s.Type, s.Key)
	}
	byKey := map[string]Setting{}
	for _, s := range Settings() {
		byKey[s.Key] = s
	}
	assert.Equal(t, "`<environment>_allow_s3`", byKey["policyName"].Default)
	assert.Equal(t, "`true`", byKey["protectBucket"].Default)
	assert.Equal(t, "`256`", byKey["cpu"].Default)
	assert.Equal(t, "`Environment=<environment>`", byKey["tags"].Default)
	assert.Equal(t, TypeStringList, byKey["secretsKmsKeyArns"].Type)
}

// Config text is parsed by type.
func TestSettingSet(t *testing.T) {
	byKey := map[string]Setting{}
	for _, s := range Settings() {
		byKey[s.Key] = s
	}
	var a ActiveStorageArgs
	require.NoError(t, byKey["cpu"].Set(&a, "1024"))
	require.NoError(t, byKey["protectBucket"].Set(&a, "false"))
	require.NoError(t, byKey["corsOrigins"].Set(&a, `["https://www.example.com"]`))
	require.NoError(t, byKey["tags"].Set(&a, `{"Team":"web"}`))
	require.NoError(t, byKey["image"].Set(&a, "  img:1 "))
	assert.Equal(t, 1024, a.CPU)
	assert.False(t, *a.ProtectBucket)
	assert.Equal(t, []string{"https://www.example.com"}, a.CORSOrigins)
	assert.Equal(t, "img:1", a.Image)
	assert.Nil(t, a.Versioning, "a setting that is not given stays unset")

	for key, text := range map[string]string{"cpu": "big", "memory": "0", "versioning": "yes please",
		"corsOrigins": "https://www.example.com", "secrets": `["x"]`} {
		assert.Error(t, byKey[key].Set(&a, text), key)
	}
}

// The component records every setting it was given (after defaults) as an input, so analyzers see
// the settings the children were built from.
func TestInputsRecordEverySetting(t *testing.T) {
	args := validArgs()
	args.KMSKeyArn = "arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
	args.CORSOrigins = []string{"https://www.example.com"}
	args.ContainerEnv = map[string]string{"RAILS_ENV": "production"}
	args.Secrets = map[string]string{"X": "arn:aws:ssm:ap-northeast-1:111122223333:parameter/x"}
	args.SecretsKMSKeyArns = []string{"arn:aws:kms:ap-northeast-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}
	r := mustRun(t, args, false)
	comp := r.named(t, "railsapp")
	var keys []string
	for k := range comp.Inputs {
		keys = append(keys, string(k))
	}
	var want []string
	for _, s := range Settings() {
		if s.Key != "executionRoleArn" { // the one setting this case leaves unset
			want = append(want, s.Key)
		}
	}
	slices.Sort(want)
	slices.Sort(keys)
	assert.Equal(t, want, keys)
}
