package config

import (
	"os"
	"strings"
)

// EnvSecrets returns the tokens the environment holds, under every variable
// that sets a token key, whether or not this run uses them.
func EnvSecrets() []string {
	var out []string
	for _, b := range envBindings {
		if !IsToken(b.key) {
			continue
		}
		for _, env := range b.envs {
			if v := os.Getenv(env); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// Secrets returns every token the config file holds, in every profile and
// under any spelling of the key, and those of the environment: all that the
// output redactor must hide.
func (c *Config) Secrets() []string {
	out := EnvSecrets()
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		for k, v := range m {
			switch v := v.(type) {
			case map[string]any:
				walk(v)
			case string:
				if strings.EqualFold(k, "token") && v != "" {
					out = append(out, v)
				}
			}
		}
	}
	walk(c.fileValues)
	walk(c.profileVals)
	return out
}
