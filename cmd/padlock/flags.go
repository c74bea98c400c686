package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"padlock/trace"
)

// flagSet is the flags of one subcommand, with a usage text that lists
// them in the order they were defined, spelled with two dashes (the flag
// package accepts one or two).
type flagSet struct {
	*flag.FlagSet
	c        *cli
	synopsis string // e.g. "padlock connect [flags] HOST:PORT"
	about    string // what the command does, a paragraph or two
	order    []string
	hidden   map[string]bool
	args     map[string]string // a flag's argument, as the usage shows it
}

func (c *cli) newFlags(name, synopsis, about string) *flagSet {
	fs := &flagSet{FlagSet: flag.NewFlagSet(name, flag.ContinueOnError), c: c,
		synopsis: synopsis, about: about, hidden: map[string]bool{}, args: map[string]string{}}
	fs.SetOutput(io.Discard) // errors are printed by fail, with the usage
	return fs
}

// String defines a string flag.
func (fs *flagSet) String(name, value, usage string) *string {
	fs.order = append(fs.order, name)
	return fs.FlagSet.String(name, value, usage)
}

// Bool defines a boolean flag.
func (fs *flagSet) Bool(name string, value bool, usage string) *bool {
	fs.order = append(fs.order, name)
	return fs.FlagSet.Bool(name, value, usage)
}

// Int defines an integer flag.
func (fs *flagSet) Int(name string, value int, usage string) *int {
	fs.order = append(fs.order, name)
	return fs.FlagSet.Int(name, value, usage)
}

// Duration defines a duration flag.
func (fs *flagSet) Duration(name string, value time.Duration, usage string) *time.Duration {
	fs.order = append(fs.order, name)
	return fs.FlagSet.Duration(name, value, usage)
}

// Strings defines a flag that may be repeated, each value a
// comma-separated list; the result is every item in order.
func (fs *flagSet) Strings(name, usage string) *[]string {
	fs.order = append(fs.order, name)
	v := &listValue{}
	fs.FlagSet.Var(v, name, usage)
	return &v.items
}

// listValue collects a repeatable comma-separated flag.
type listValue struct{ items []string }

func (v *listValue) String() string { return strings.Join(v.items, ",") }

func (v *listValue) Set(s string) error {
	v.items = append(v.items, parseList(s)...)
	return nil
}

// hide keeps flags out of the usage: they exist for tests.
func (fs *flagSet) hide(names ...string) {
	for _, n := range names {
		fs.hidden[n] = true
	}
}

// argName sets how the usage shows a flag's argument, such as "1.3|1.2".
func (fs *flagSet) argName(name, arg string) { fs.args[name] = arg }

// argNames is argName for several flags.
func (fs *flagSet) argNames(args map[string]string) {
	for name, arg := range args {
		fs.args[name] = arg
	}
}

// isSet reports whether the flag was given on the command line.
func (fs *flagSet) isSet(name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// parse parses args, letting flags follow the positional arguments
// ("padlock connect host:443 --json") as well as precede them, and
// returns the positional arguments.
func (fs *flagSet) parse(args []string) ([]string, error) {
	if fs.c.flagsDefined != nil {
		fs.c.flagsDefined(fs)
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// fail reports a parse error: help requested prints the usage on stdout
// and exits 0; anything else prints the error and the usage on stderr
// and exits 2.
func (fs *flagSet) fail(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		fs.printUsage(fs.c.stdout)
		return exitOK
	}
	return fs.usageError("%v", err)
}

// usageError prints a usage error and the usage on stderr; it returns
// exitUsage.
func (fs *flagSet) usageError(format string, args ...any) int {
	fmt.Fprintf(fs.c.stderr, "padlock %s: %s\n\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.printUsage(fs.c.stderr)
	return exitUsage
}

// printUsage writes the synopsis, the description and the flags.
func (fs *flagSet) printUsage(w io.Writer) {
	fmt.Fprintf(w, "usage: %s\n\n%s\n", fs.synopsis, strings.TrimSpace(fs.about))
	type row struct{ left, usage string }
	var rows []row
	width := 0
	for _, name := range fs.order {
		if fs.hidden[name] {
			continue
		}
		f := fs.Lookup(name)
		arg, usage := flag.UnquoteUsage(f)
		if a, ok := fs.args[name]; ok {
			arg = a
		}
		left := "--" + name
		if arg != "" {
			left += " " + arg
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "0s" {
			if strings.Contains(def, " ") {
				def = fmt.Sprintf("%q", def)
			}
			usage += " (default " + def + ")"
		}
		rows = append(rows, row{left, usage})
		width = max(width, min(len(left), 26))
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\nflags:\n")
	for _, r := range rows {
		pad := width - len(r.left)
		lines := wrapText(r.usage, 78-width-4)
		if pad < 0 {
			fmt.Fprintf(w, "  %s\n", r.left)
			pad = width
			fmt.Fprintf(w, "  %s  %s\n", strings.Repeat(" ", pad), lines[0])
		} else {
			fmt.Fprintf(w, "  %s%s  %s\n", r.left, strings.Repeat(" ", pad), lines[0])
		}
		for _, l := range lines[1:] {
			fmt.Fprintf(w, "  %s  %s\n", strings.Repeat(" ", width), l)
		}
	}
}

// wrapText breaks s into lines of at most width runes at spaces.
func wrapText(s string, width int) []string { return trace.Wrap(s, width) }
