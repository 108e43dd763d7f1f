package ui

import (
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// pendingTab holds the place of a section whose issue has not landed yet. It
// says so plainly rather than showing made-up data.
type pendingTab struct {
	common *Common
	title  string
	crumb  string
	text   string
}

func newPendingTab(c *Common, title, crumb, text string) *pendingTab {
	return &pendingTab{common: c, title: title, crumb: crumb, text: text}
}

func (t *pendingTab) Title() string          { return t.title }
func (t *pendingTab) Crumb() string          { return t.crumb }
func (t *pendingTab) Capturing() bool        { return false }
func (t *pendingTab) Close()                 {}
func (t *pendingTab) Filter() string         { return "" }
func (t *pendingTab) SetFilter(string) error { return nil }
func (t *pendingTab) SetSize(int, int)       {}
func (t *pendingTab) Update(tea.Msg) tea.Cmd { return nil }
func (t *pendingTab) View(w, h int) string {
	box := lipgloss.NewStyle().Width(min(w-4, 70)).Render(t.common.Styles.Title.Render(t.title) + "\n\n" + t.text)
	return lipgloss.Place(w, h, lipgloss.Center, lipgloss.Center, box)
}
