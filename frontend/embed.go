// Package frontend embeds the single-page app. `npm run build` in this
// folder writes the bundle to dist/; a clone that has not built it serves
// placeholder.html, which says how to.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

//go:embed placeholder.html
var placeholder []byte

// Dist returns the built bundle, or nil when it has not been built.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}

// Placeholder is the page served when the bundle has not been built.
func Placeholder() []byte { return placeholder }
