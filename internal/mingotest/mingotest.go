// Package mingotest installs the Node scripts that the differential tests
// run on mingo (a JavaScript implementation of MongoDB's query and
// aggregation language): internal/segment checks compiled filters with it,
// internal/mongodb compiled aggregation pipelines. Test code only.
package mingotest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// Install installs the script of the directory src (package.json,
// package-lock.json and script) with its locked dependencies (npm ci) into
// the user's cache directory, keyed by the hash of the files, once; the
// tests never write into the source tree. It returns the installed
// script's path, and skips the test when npm is missing.
func Install(t testing.TB, src, script string) string {
	t.Helper()
	h := sha256.New()
	files := []string{"package.json", "package-lock.json", script}
	contents := make([][]byte, len(files))
	for i, f := range files {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		contents[i] = b
		fmt.Fprintf(h, "%s %d\n", f, len(b))
		h.Write(b)
	}
	root, err := os.UserCacheDir()
	if err != nil {
		root = os.TempDir()
	}
	root = filepath.Join(root, "kehu-mingo")
	dir := filepath.Join(root, hex.EncodeToString(h.Sum(nil))[:16])
	path := filepath.Join(dir, script)
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "mingo")); err == nil {
		return path
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		t.Skip("npm is not installed: the differential test against mingo needs it to install mingo (apt-get install npm)")
	}
	if err := os.MkdirAll(root, 0o700); err != nil {
		t.Fatal(err)
	}
	// Install into a fresh directory, then rename it into place: a
	// concurrent test process finds either nothing or a whole install.
	tmp, err := os.MkdirTemp(root, "install-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(tmp)
	for i, f := range files {
		if err := os.WriteFile(filepath.Join(tmp, f), contents[i], 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = tmp
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", tmp, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if _, statErr := os.Stat(filepath.Join(dir, "node_modules", "mingo")); statErr != nil {
			t.Fatalf("install mingo: %v", err)
		}
	}
	return path
}

// Run runs the installed script on the documents (written one Extended
// JSON line each) and the query lines (filters or pipelines, one per
// line, as the script reads them), and returns what it prints. It skips
// the test when Node.js is missing.
func Run[D any](t testing.TB, script string, docs []D, queries [][]byte) []byte {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node (Node.js) is not installed: the differential test against mingo needs it (apt-get install nodejs npm)")
	}
	var docBuf bytes.Buffer
	for _, d := range docs {
		b, err := bson.MarshalExtJSON(d, true, false)
		if err != nil {
			t.Fatal(err)
		}
		docBuf.Write(b)
		docBuf.WriteByte('\n')
	}
	dir := t.TempDir()
	docPath, queryPath := filepath.Join(dir, "docs.ejson"), filepath.Join(dir, "queries.ejson")
	if err := os.WriteFile(docPath, docBuf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var queryBuf bytes.Buffer
	for _, q := range queries {
		queryBuf.Write(q)
		queryBuf.WriteByte('\n')
	}
	if err := os.WriteFile(queryPath, queryBuf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, script, docPath, queryPath)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node %s: %v\n%s", filepath.Base(script), err, stderr.String())
	}
	return out
}
