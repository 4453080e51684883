package main

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/keyless-ecs/railsapp/components"
)

// The committed key tables are what the settings declare: a setting added, changed or removed
// without regenerating the docs fails here.
func TestDocsAreCurrent(t *testing.T) {
	docs, err := render("../../..")
	require.NoError(t, err)
	for path, want := range docs {
		got, err := os.ReadFile(path)
		require.NoError(t, err)
		assert.Equal(t, want, string(got), "%s is stale: run `go run ./internal/app/configdoc` from the repository root", path)
	}
}

func TestTablesListEverySetting(t *testing.T) {
	readme := readmeKeyTable()
	conf := configurationKeyTable(shippedStacks, map[string]map[string]string{"prod": {"railsapp:cpu": "1024"}})
	for _, s := range components.Settings() {
		for _, table := range []string{readme, conf} {
			assert.Contains(t, table, "| `railsapp:"+s.Key+"` |")
		}
	}
	assert.Contains(t, conf, "| `railsapp:cpu` | int | `256` | — | `1024` |")
	assert.Contains(t, readme, "| `railsapp:environment` | the stack name |")
}

func TestDocValue(t *testing.T) {
	assert.Equal(t, "—", docValue(""))
	assert.Equal(t, "`true`", docValue("true"))
	assert.Equal(t, "`https://a.example.com`, `http://localhost:3000`", docValue(`["https://a.example.com","http://localhost:3000"]`))
	assert.Equal(t, "`A=1`, `B=…/KEY`", docValue(`{"B":"arn:aws:ssm:ap-northeast-1:123456789012:parameter/x/KEY","A":"1"}`))
	assert.True(t, strings.HasPrefix(docValue("123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/railsapp:v1"), "`…/railsapp"))
}
