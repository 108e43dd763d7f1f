//go:build tools

// This file pins the modules the project builds on so that `go mod tidy` keeps
// them while packages that use them are being written.
package main

import (
	_ "charm.land/bubbles/v2/table"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/docker/docker/client"
	_ "golang.org/x/crypto/ssh"
	_ "golang.org/x/term"
)
