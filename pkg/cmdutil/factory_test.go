package cmdutil

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/orgctl/orgctl/pkg/iostreams"
)

// The client speaks HTTP/1.1 even to a server that offers HTTP/2, so a
// release built without net/http's HTTP/2 code behaves as any other build.
func TestHTTPClientSpeaksHTTP11(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Proto", r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	ios, _, _, _ := iostreams.Test()
	client := New(ios).HTTPClient()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: roots}

	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Proto != "HTTP/1.1" || resp.Header.Get("X-Proto") != "HTTP/1.1" {
		t.Errorf("answered over %s (server saw %s), want HTTP/1.1", resp.Proto, resp.Header.Get("X-Proto"))
	}
}
