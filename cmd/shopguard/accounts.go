package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
	"github.com/shopguard/shopguard/sqlstore"
)

// withStore parses the store flags of a command, opens the store and runs fn with it.
func (m *Main) withStore(ctx context.Context, name, argsUsage, help string, args []string, extra func(*Config, *flag.FlagSet), fn func(*sqlstore.DB, []string) error) error {
	c, err := m.loadConfig()
	if err != nil {
		return err
	}
	fs := m.flags(name, argsUsage, help)
	c.storeFlags(fs)
	if extra != nil {
		extra(&c, fs)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	store, err := openStore(ctx, c)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(store, fs.Args())
}

func (m *Main) userAdd(ctx context.Context, args []string) error {
	var role string
	return m.withStore(ctx, "user add", "NAME",
		"Make an account. The password is read from SHOPGUARD_PASSWORD, or else from the first line of standard input.",
		args, func(_ *Config, fs *flag.FlagSet) {
			fs.StringVar(&role, "role", "user", "user, moderator or admin")
		}, func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 1 {
				return usagef("user add takes one user name")
			}
			r, err := shopguard.ParseRole(role)
			if err != nil {
				return err
			}
			password := m.Getenv("SHOPGUARD_PASSWORD")
			if password == "" {
				line, err := bufio.NewReader(m.Stdin).ReadString('\n')
				if err != nil && line == "" {
					return usagef("no password: set SHOPGUARD_PASSWORD or write it on standard input")
				}
				password = strings.TrimRight(line, "\r\n")
			}
			u, err := auth.NewService(db).CreateUser(ctx, rest[0], r, password)
			if err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "created %s %s (id %d)\n", u.Role, u.Name, u.ID)
			return nil
		})
}

func (m *Main) userList(ctx context.Context, args []string) error {
	var asJSON bool
	return m.withStore(ctx, "user list", "", "List the accounts.", args,
		func(_ *Config, fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") },
		func(db *sqlstore.DB, rest []string) error {
			users, err := db.ListUsers(ctx)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(m, users)
			}
			for _, u := range users {
				fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%s\n", u.ID, u.Name, u.Role, u.CreatedAt.Format(time.DateOnly))
			}
			return nil
		})
}

func (m *Main) userRole(ctx context.Context, args []string) error {
	return m.withStore(ctx, "user role", "NAME ROLE",
		"Give an account another role (user, moderator or admin). Its signed-in sessions end, so\nthat no browser keeps acting on the old grant; its API keys keep only the scopes the new\nrole allows.",
		args, nil, func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 2 {
				return usagef("user role takes a user name and a role (user, moderator or admin)")
			}
			r, err := shopguard.ParseRole(rest[1])
			if err != nil {
				return err
			}
			u, err := db.UserByName(ctx, rest[0])
			if err != nil {
				return err
			}
			if u, err = auth.NewService(db).SetRole(ctx, u.ID, r); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "%s is now %s (id %d)\n", u.Name, u.Role, u.ID)
			return nil
		})
}

func (m *Main) keyCreate(ctx context.Context, args []string) error {
	var user, scopes string
	var asJSON bool
	return m.withStore(ctx, "key create", "NAME",
		"Make an API key for an account and print it; it is shown only this once.\nSend it as 'Authorization: Bearer KEY'.",
		args, func(_ *Config, fs *flag.FlagSet) {
			fs.StringVar(&user, "user", "", "the account that owns the key (required)")
			fs.StringVar(&scopes, "scopes", "check", "comma-separated: check, report, moderate, admin, keys (the owner's role must allow them; keys manages API keys)")
			fs.BoolVar(&asJSON, "json", false, "print JSON")
		}, func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 1 || user == "" {
				return usagef("key create takes --user and one key name")
			}
			a := auth.NewService(db)
			u, err := db.UserByName(ctx, user)
			if err != nil {
				return err
			}
			var sc []shopguard.Scope
			for _, s := range strings.Split(scopes, ",") {
				if s = strings.TrimSpace(s); s != "" {
					sc = append(sc, shopguard.Scope(s))
				}
			}
			key, rec, err := a.CreateAPIKey(ctx, u, rest[0], sc)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(m, map[string]any{"key": key, "id": rec.ID, "prefix": rec.Prefix, "scopes": rec.Scopes})
			}
			fmt.Fprintln(m.Stdout, key)
			return nil
		})
}

func (m *Main) keyList(ctx context.Context, args []string) error {
	var asJSON bool
	return m.withStore(ctx, "key list", "USER", "List an account's API keys (never the keys themselves).", args,
		func(_ *Config, fs *flag.FlagSet) { fs.BoolVar(&asJSON, "json", false, "print JSON") },
		func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 1 {
				return usagef("key list takes one user name")
			}
			u, err := db.UserByName(ctx, rest[0])
			if err != nil {
				return err
			}
			keys, err := db.ListAPIKeys(ctx, u.ID)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(m, keys)
			}
			for _, k := range keys {
				state := "active"
				if k.RevokedAt != nil {
					state = "revoked"
				}
				fmt.Fprintf(m.Stdout, "%d\t%s\t%s\t%v\t%s\n", k.ID, k.Prefix, k.Name, k.Scopes, state)
			}
			return nil
		})
}

func (m *Main) keyRevoke(ctx context.Context, args []string) error {
	return m.withStore(ctx, "key revoke", "ID", "Revoke an API key by its id (see key list).", args, nil,
		func(db *sqlstore.DB, rest []string) error {
			if len(rest) != 1 {
				return usagef("key revoke takes one key id")
			}
			id, err := strconv.ParseInt(rest[0], 10, 64)
			if err != nil {
				return usagef("key id %q is not a number", rest[0])
			}
			if err := db.RevokeAPIKey(ctx, id, time.Now()); err != nil {
				return err
			}
			fmt.Fprintf(m.Stdout, "revoked key %d\n", id)
			return nil
		})
}

func (m *Main) migrate(ctx context.Context, args []string) error {
	return m.withStore(ctx, "migrate", "", "Apply the database migrations (serve does it too) and list those applied.", args, nil,
		func(db *sqlstore.DB, rest []string) error {
			names, err := db.Migrations(ctx)
			if err != nil {
				return err
			}
			for _, n := range names {
				fmt.Fprintln(m.Stdout, n)
			}
			return nil
		})
}
