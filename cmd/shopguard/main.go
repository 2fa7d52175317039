// Command shopguard is the one binary of shopguard: the server (serve), the checkers, the
// knowledge base (learn), accounts (user, key) and maintenance (migrate, config, purge).
//
// Exit codes: 0 done; 1 the command failed (or a check says so, where its help tells); 2 bad
// usage or bad input, with a message saying what is wrong.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"

	"github.com/shopguard/shopguard"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main runs one invocation of the program with its own input, output and environment, so
// that tests can run it in process.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
}

// command is one verb of the CLI, such as "serve" or "user add".
type command struct {
	name    string
	summary string
	run     func(m *Main, ctx context.Context, args []string) error
}

// commands lists every command; nouns with several verbs are "noun verb" (or "noun noun verb").
var commands = []command{
	{"serve", "run the web UI and the JSON API", (*Main).serve},
	{"learn", "show the scam types, or one of them", (*Main).learn},
	{"check listing", "judge an offer: price, payment, how the seller can be reached", (*Main).checkListing},
	{"check url", "check links or domains for look-alikes and other tricks", (*Main).checkURL},
	{"check site", "judge a shop's site (live, or saved pages with --html): contacts, ICP, licence, payment, prices", (*Main).checkSite},
	{"assess", "should I pay? one answer from the links, site, seller, account, price, payment and chat", (*Main).assess},
	{"import prices", "import reference prices from CSV (item, category, price, currency, source)", (*Main).importPrices},
	{"import feed", "import a threat feed (domain or URL list, hosts, CSV, PhishTank, OpenPhish)", (*Main).importFeed},
	{"eval links", "measure the link check on labelled links and dnstwist look-alikes", (*Main).evalLinks},
	{"scan", "check a chat, a text message or an e-mail for scam scripts", (*Main).scan},
	{"eval text", "measure the chat check on labelled JSON lines", (*Main).evalText},
	{"train text", "train the chat check's learned layer on the labelled rows whose licence lets it ship", (*Main).trainText},
	{"migrate", "apply the database migrations and list them", (*Main).migrate},
	{"config", "print the effective configuration, secrets redacted", (*Main).config},
	{"purge", "delete old reports and changes and unused evidence files now; serve does it every hour", (*Main).purge},
	{"backup", "write a consistent backup of the embedded database and the evidence files", (*Main).backup},
	{"restore", "restore a backup into a fresh data directory, checking every file", (*Main).restore},
	{"user add", "make an account", (*Main).userAdd},
	{"user list", "list the accounts", (*Main).userList},
	{"user role", "give an account another role; its signed-in sessions end", (*Main).userRole},
	{"key create", "make an API key for an account (shown once)", (*Main).keyCreate},
	{"key list", "list an account's API keys", (*Main).keyList},
	{"key revoke", "revoke an API key", (*Main).keyRevoke},
	{"case new", "start a case from triage answers; prints its id and key (shown once)", (*Main).caseNew},
	{"case update", "change a case's answers (amount, dates, what happened…)", (*Main).caseUpdate},
	{"case evidence add", "add files to a case's evidence log", (*Main).caseEvidenceAdd},
	{"case plan", "print a case's action plan", (*Main).casePlan},
	{"case docs", "write a case's draft documents (Markdown or PDF)", (*Main).caseDocs},
	{"case package", "write a case's evidence package (ZIP)", (*Main).casePackage},
	{"case report", "turn a case into a community report, with your consent", (*Main).caseReport},
	{"case verify", "check an evidence package or a stored case; exit 1 if altered", (*Main).caseVerify},
	{"check phone", "look up a phone number in the community's reports", checkIdentifier("phone", shopguard.KindPhone)},
	{"check qq", "look up a QQ number in the community's reports", checkIdentifier("qq", shopguard.KindQQ)},
	{"check wechat", "look up a WeChat id in the community's reports", checkIdentifier("wechat", shopguard.KindWeChat)},
	{"check email", "look up an e-mail address in the community's reports", checkIdentifier("email", shopguard.KindEmail)},
	{"check card", "look up a bank card in the community's reports", checkIdentifier("card", shopguard.KindBankAccount)},
	{"check account", "look up a bank account in the community's reports", checkIdentifier("account", shopguard.KindBankAccount)},
	{"check alipay", "look up an Alipay account in the community's reports", checkIdentifier("alipay", shopguard.KindAlipay)},
	{"check domain", "look up a domain in the community's reports", checkIdentifier("domain", shopguard.KindDomain)},
	{"check shop", "look up a shop (platform:id) in the community's reports", checkIdentifier("shop", shopguard.KindShop)},
	{"report", "report a scammer's phone, account, site or shop", (*Main).reportScam},
	{"export", "export the indicators as CSV, JSON or STIX 2.1", (*Main).export},
	{"import", "import indicators from a CSV, JSON or STIX 2.1 file", (*Main).importIndicators},
	{"snapshot", "write an offline snapshot for check --snapshot", (*Main).snapshot},
	{"version", "print the version", (*Main).version},
}

// usageError is bad usage: the program exits 2 and says what is wrong.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// errFound makes a checker exit 1 after its output was written, where the command's help
// says it does.
var errFound = errors.New("found")

// Run runs the command named by args and returns the exit code: 2 for bad usage and bad input
// (EINVALID, ETOOLARGE).
func (m *Main) Run(ctx context.Context, args []string) int {
	err := m.dispatch(ctx, args)
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errFound):
		return 1
	case errors.As(err, &ue), shopguard.ErrorCode(err) == shopguard.EINVALID, shopguard.ErrorCode(err) == shopguard.ETOOLARGE:
		fmt.Fprintf(m.Stderr, "shopguard: %v\n", cliMessage(err))
		return 2
	}
	fmt.Fprintf(m.Stderr, "shopguard: %v\n", cliMessage(err))
	return 1
}

// cliMessage says what went wrong in one line: the field and message of a domain error, or
// the whole chain of anything else.
func cliMessage(err error) string {
	var e *shopguard.Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return err.Error()
}

func (m *Main) dispatch(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage(m.Stdout)
		if len(args) == 0 {
			return usagef("name a command")
		}
		return nil
	}
	for _, n := range []int{3, 2, 1} {
		if len(args) < n {
			continue
		}
		name := strings.Join(args[:n], " ")
		for _, c := range commands {
			if c.name == name {
				return c.run(m, ctx, args[n:])
			}
		}
	}
	if verbs := m.verbsOf(args[0]); len(verbs) > 0 {
		return usagef("%s needs one of: %s", args[0], strings.Join(verbs, ", "))
	}
	return usagef("unknown command %q (see shopguard help)", args[0])
}

func (m *Main) verbsOf(noun string) []string {
	var verbs []string
	for _, c := range commands {
		if v, ok := strings.CutPrefix(c.name, noun+" "); ok {
			verbs = append(verbs, v)
		}
	}
	sort.Strings(verbs)
	return verbs
}

func (m *Main) usage(w io.Writer) {
	fmt.Fprintln(w, "shopguard protects online shoppers from scams and helps victims get their money back.")
	fmt.Fprintln(w, "\nUsage: shopguard COMMAND [flags] [args]   (every command takes --help)\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-18s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nExit codes: 0 done, 1 failed (or a check found a risk, where its help says so), 2 bad usage or input.")
}

// flags returns a flag set for a command that prints its usage and errors to Stderr.
func (m *Main) flags(name, argsUsage, help string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: shopguard %s [flags] %s\n\n%s\n\nFlags:\n", name, argsUsage, help)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning a flag error into a usage error. Flags may come before, between
// or after the arguments (shopguard check url example.com --json); after "--" everything is an
// argument.
func parse(fs *flag.FlagSet, args []string) error {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usagef("%s: %v", fs.Name(), err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			pos = append(pos, rest...)
			break
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
	// Leave the arguments for fs.Args: a parse of "--" and them sets no flag.
	return fs.Parse(append([]string{"--"}, pos...))
}

// eachFile runs fn on every file, naming on stderr each one fn refuses and going on with the
// rest; it fails (exit 1) when any was refused.
func (m *Main) eachFile(files []string, fn func(path string) error) error {
	refused := 0
	for _, path := range files {
		if err := fn(path); err != nil {
			refused++
			fmt.Fprintf(m.Stderr, "shopguard: %s refused: %s\n", path, cliMessage(err))
		}
	}
	if refused > 0 {
		return fmt.Errorf("refused %d of %d files (named above); the others were done", refused, len(files))
	}
	return nil
}

func (m *Main) version(ctx context.Context, args []string) error {
	fs := m.flags("version", "", "Print the version of shopguard.")
	if err := parse(fs, args); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "shopguard", shopguard.Version)
	return nil
}
