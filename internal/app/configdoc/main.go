// Command configdoc writes the config key tables of README.md and docs/configuration.md from the
// one declaration of the settings (components.Settings) and the shipped stack files. Run it from
// the repository root after changing a setting or a stack file:
//
//	go run ./internal/app/configdoc
//
// Its test fails while the committed files differ from what it would write.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyless-ecs/railsapp/internal/app"
)

// shippedStacks are the stacks whose values the configuration table shows.
var shippedStacks = []string{"dev", "prod"}

func main() {
	docs, err := render(".")
	if err == nil {
		for path, text := range docs {
			if err = os.WriteFile(path, []byte(text), 0o644); err != nil {
				break
			}
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "configdoc:", err)
		os.Exit(1)
	}
}

// render returns the new text of each generated document under root, by path.
func render(root string) (map[string]string, error) {
	configs := map[string]map[string]string{}
	for _, s := range shippedStacks {
		cfg, err := app.ReadStackConfig(filepath.Join(root, "Pulumi."+s+".yaml"))
		if err != nil {
			return nil, err
		}
		configs[s] = cfg
	}
	out := map[string]string{}
	for path, table := range map[string]string{
		"README.md":             readmeKeyTable(),
		"docs/configuration.md": configurationKeyTable(shippedStacks, configs),
	} {
		full := filepath.Join(root, path)
		raw, err := os.ReadFile(full)
		if err != nil {
			return nil, err
		}
		text, err := replaceGenerated(string(raw), table)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		out[full] = text
	}
	return out, nil
}
