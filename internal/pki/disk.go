package pki

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The file names of a CA kept on disk by LoadOrCreateCA.
const (
	CACertFile = "ca.pem"
	CAKeyFile  = "ca-key.pem"
)

// File modes: private keys are readable by their owner only.
const (
	dirMode  = 0o700
	keyMode  = 0o600
	certMode = 0o644
)

// LoadOrCreateCA returns the CA stored in dir (CACertFile and CAKeyFile),
// or, if neither file exists, creates a CA with a key of type t, stores it
// there and reports created. The directory is made with mode 0700 and the
// key written with mode 0600. t is not checked against a CA that exists.
func LoadOrCreateCA(dir string, t KeyType) (ca *CA, created bool, err error) {
	certPath := filepath.Join(dir, CACertFile)
	keyPath := filepath.Join(dir, CAKeyFile)
	certData, certErr := os.ReadFile(certPath)
	keyData, keyErr := os.ReadFile(keyPath)
	certMissing := errors.Is(certErr, fs.ErrNotExist)
	keyMissing := errors.Is(keyErr, fs.ErrNotExist)
	switch {
	case certErr == nil && keyErr == nil:
		ca, err := ParseCA(certData, keyData)
		if err != nil {
			return nil, false, fmt.Errorf("%s: %w", dir, err)
		}
		return ca, false, nil
	case certMissing && keyMissing:
		// Create below.
	case certMissing != keyMissing && (certErr == nil || keyErr == nil):
		// Never overwrite half a CA: the other half may be all that is
		// left of one that certificates in use chain to.
		return nil, false, fmt.Errorf("pki: %s: only one of %s and %s exists", dir, CACertFile, CAKeyFile)
	default:
		return nil, false, fmt.Errorf("pki: %w", errors.Join(certErr, keyErr))
	}
	if ca, err = createCA(dir, certPath, keyPath, t); err != nil {
		return nil, false, err
	}
	return ca, true, nil
}

// createCA makes a new CA and stores it at certPath and keyPath in dir.
func createCA(dir, certPath, keyPath string, t KeyType) (*CA, error) {
	ca, err := NewCA("padlock local CA", t, time.Time{}, time.Time{})
	if err != nil {
		return nil, err
	}
	kp, err := keyPEM(ca.Key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return nil, fmt.Errorf("pki: %w", err)
	}
	// The key goes first: a cert without a key is refused on the next
	// load rather than silently replaced.
	if err := writeFileAtomic(keyPath, kp, keyMode); err != nil {
		return nil, err
	}
	if err := writeFileAtomic(certPath, ca.CertPEM, certMode); err != nil {
		os.Remove(keyPath)
		return nil, err
	}
	return ca, nil
}

// WriteIssued stores is in dir as NAME.pem (ChainPEM, mode 0644) and
// NAME-key.pem (KeyPEM, mode 0600), replacing any earlier files of those
// names, and returns their paths.
func WriteIssued(dir, name string, is *Issued) (certPath, keyPath string, err error) {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, `/\`) {
		return "", "", fmt.Errorf("pki: bad certificate name %q", name)
	}
	if is.KeyPEM == nil {
		return "", "", errors.New("pki: issued key cannot be written to a file")
	}
	if err := os.MkdirAll(dir, dirMode); err != nil {
		return "", "", fmt.Errorf("pki: %w", err)
	}
	certPath = filepath.Join(dir, name+".pem")
	keyPath = filepath.Join(dir, name+"-key.pem")
	if err := writeFileAtomic(keyPath, is.KeyPEM, keyMode); err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(certPath, is.ChainPEM, certMode); err != nil {
		return "", "", err
	}
	return certPath, keyPath, nil
}

// writeFileAtomic writes data to a temporary file in the same directory and
// renames it over path, so a reader never sees half a file and a key is
// never, even briefly, readable with wider permissions than perm.
func writeFileAtomic(path string, data []byte, perm os.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".padlock-*.tmp")
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("pki: write %s: %w", path, err)
		}
	}()
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
