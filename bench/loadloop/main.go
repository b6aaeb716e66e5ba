// Command loadloop is the ceiling of bench/run.sh: a plain Go loop sending
// the same POSTs as `orgctl create -f` (one body per line of a CSV of
// name,provider,description), with c workers and one keep-alive client.
//
//	loadloop -url http://127.0.0.1:8080 -token T -c 8 m.csv
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
)

func main() {
	url := flag.String("url", "", "sandbox URL")
	token := flag.String("token", "", "VertraCloud token")
	c := flag.Int("c", 8, "workers")
	flag.Parse()
	f, err := os.Open(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 2 * *c
	client := &http.Client{Transport: t}
	names := make(chan [2]string, *c)
	var wg sync.WaitGroup
	var failed sync.Map
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range names {
				body, _ := json.Marshal(map[string]string{"name": n[0], "description": n[1]})
				req, _ := http.NewRequest("POST", *url+"/v1/organizations", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+*token)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Accept", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					failed.Store(n[0], err.Error())
					continue
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusCreated {
					failed.Store(n[0], resp.Status)
				}
			}
		}()
	}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		cells := strings.Split(sc.Text(), ",")
		names <- [2]string{cells[0], cells[len(cells)-1]}
	}
	close(names)
	wg.Wait()
	n := 0
	failed.Range(func(k, v any) bool { n++; return n < 5 })
	if n > 0 {
		fmt.Fprintln(os.Stderr, "loadloop: some requests failed")
		os.Exit(1)
	}
}
