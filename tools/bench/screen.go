package main

import (
	"regexp"
	"strings"
)

// benchPrefix starts the name of every container the bench creates.
const benchPrefix = "dkt-bench-"

// listShown reports whether the screen shows the container list: any bench
// container's name is on it.
func listShown(screen string) bool {
	return strings.Contains(screen, benchPrefix)
}

// percentRE matches a CPU figure such as 0.3%, 12.0% or 100.00%: digits, a
// decimal point, digits and a percent sign, not glued to a longer number.
var percentRE = regexp.MustCompile(`(?:^|[^0-9.])[0-9]{1,4}\.[0-9]{1,2} ?%`)

// cpuShown reports whether a row of a bench container shows a percentage.
// Before the first sample the tables show "-" or "—", and a header such as
// "CPU %" has no digits, so neither counts.
func cpuShown(screen string) bool {
	for _, line := range strings.Split(screen, "\n") {
		if strings.Contains(line, benchPrefix) && percentRE.MatchString(line) {
			return true
		}
	}
	return false
}
