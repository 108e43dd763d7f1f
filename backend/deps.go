package backend

import (
	_ "charm.land/bubbles/v2/table"
	_ "charm.land/bubbletea/v2"
	_ "charm.land/lipgloss/v2"
	_ "github.com/docker/docker/client"
	_ "golang.org/x/crypto/ssh"
	_ "golang.org/x/term"
)
