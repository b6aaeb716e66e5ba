package config

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"time"
)

// Mask shows enough of a token to recognise it and never enough to use it:
// its prefix up to the first "_" (at most 4 characters, e.g. "qov_"), or
// "eyJ" for a JWT, then "…" and the last 4 characters. Short tokens show
// nothing.
func Mask(token string) string {
	if len(token) < 12 {
		return "****"
	}
	prefix := ""
	if i := strings.IndexByte(token, '_'); i >= 0 && i < 4 {
		prefix = token[:i+1]
	} else if strings.HasPrefix(token, "eyJ") {
		prefix = "eyJ"
	}
	return prefix + "…" + token[len(token)-4:]
}

// JWTExpiry reads the exp claim of a JWT without verifying it (orgctl
// cannot: it has no key). ok is false for anything that is not a JWT with
// an expiry.
func JWTExpiry(token string) (exp time.Time, ok bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return time.Time{}, false
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp *float64 `json:"exp"`
	}
	if json.Unmarshal(payload, &claims) != nil || claims.Exp == nil {
		return time.Time{}, false
	}
	return time.Unix(int64(*claims.Exp), 0), true
}
