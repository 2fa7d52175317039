package http

import (
	"net/http"
	"strconv"

	"github.com/shopguard/shopguard"
	"github.com/shopguard/shopguard/auth"
)

// setSessionCookie hands the browser its session token: HttpOnly, SameSite=Lax, Secure when
// configured.
func (s *Server) setSessionCookie(w http.ResponseWriter, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.Config.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

type loginRequest struct {
	Name     string `json:"name"`
	Password string `json:"password"`
}

func (s *Server) handleAPILogin(w http.ResponseWriter, r *http.Request) error {
	var req loginRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	token, u, err := s.Auth.Login(r.Context(), req.Name, req.Password, stateOf(r).clientIP)
	if err != nil {
		return err
	}
	s.rotateSession(w, r, token)
	writeJSON(w, http.StatusOK, u)
	return nil
}

func (s *Server) handleAPILogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.logout(w, r); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// rotateSession hands the browser the session token of a fresh sign-in and ends the session
// it came with, if any: a token planted before sign-in is worth nothing after it.
func (s *Server) rotateSession(w http.ResponseWriter, r *http.Request, token string) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			s.Logger.Warn("end the previous session", "request_id", stateOf(r).id, "err", err)
		}
	}
	s.setSessionCookie(w, token, int(auth.SessionTTL.Seconds()))
}

// logout ends the request's session, if it has one, and clears its cookie; for the API and the
// form alike. On an error the session may still be valid, and the cookie is kept.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Auth.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	s.setSessionCookie(w, "", -1)
	return nil
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	p := principalOf(r)
	writeJSON(w, http.StatusOK, map[string]any{"user": p.User, "key": p.Key})
	return nil
}

func (s *Server) handleListKeys(w http.ResponseWriter, r *http.Request) error {
	keys, err := s.Store.ListAPIKeys(r.Context(), principalOf(r).User.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": nonNil(keys)})
	return nil
}

type createKeyRequest struct {
	Name   string            `json:"name"`
	Scopes []shopguard.Scope `json:"scopes"`
}

func (s *Server) handleCreateKey(w http.ResponseWriter, r *http.Request) error {
	var req createKeyRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	p := principalOf(r)
	// A key cannot mint a key with more power than itself.
	for _, sc := range req.Scopes {
		if p.Key != nil && !p.Key.Has(sc) {
			return &shopguard.Error{Code: shopguard.EFORBIDDEN, Field: "scopes", Message: "a key cannot create a key with scope " + string(sc) + " it does not have"}
		}
	}
	key, rec, err := s.Auth.CreateAPIKey(r.Context(), p.User, req.Name, req.Scopes)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"key": key, "id": rec.ID, "prefix": rec.Prefix, "scopes": rec.Scopes, "note": "store this key now: it is not shown again"})
	return nil
}

func (s *Server) handleRevokeKey(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return shopguard.Invalid("id", "a key id is a number")
	}
	p := principalOf(r)
	keys, err := s.Store.ListAPIKeys(r.Context(), p.User.ID)
	if err != nil {
		return err
	}
	own := false
	for _, k := range keys {
		own = own || k.ID == id
	}
	if !own && !p.Can(shopguard.ScopeAdmin) {
		return shopguard.Errorf(shopguard.ENOTFOUND, "no key %d among yours", id)
	}
	if err := s.Store.RevokeAPIKey(r.Context(), id, s.Auth.Now()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleListUsers(w http.ResponseWriter, r *http.Request) error {
	users, err := s.Store.ListUsers(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": nonNil(users)})
	return nil
}

type createUserRequest struct {
	Name     string         `json:"name"`
	Role     shopguard.Role `json:"role"`
	Password string         `json:"password"`
}

func (s *Server) handleCreateUser(w http.ResponseWriter, r *http.Request) error {
	var req createUserRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, err := s.Auth.CreateUser(r.Context(), req.Name, req.Role, req.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// setRoleRequest is the body of PUT /api/v1/admin/users/{id}/role.
type setRoleRequest struct {
	Role shopguard.Role `json:"role"`
}

// handleSetRole changes an account's role; the account's sessions end with it.
func (s *Server) handleSetRole(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return shopguard.Errorf(shopguard.ENOTFOUND, "no user %q", r.PathValue("id"))
	}
	var req setRoleRequest
	if err := decodeJSON(r, &req); err != nil {
		return err
	}
	u, err := s.Auth.SetRole(r.Context(), id, req.Role)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// nonNil makes an empty list encode as [] rather than null.
func nonNil[T any](xs []T) []T {
	if xs == nil {
		return []T{}
	}
	return xs
}
