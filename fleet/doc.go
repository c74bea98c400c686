// Package fleet shares padlock's resumption state among the servers of a
// fleet through Redis, so that a client resumes on whichever server the
// load balancer sends it to, and a 0-RTT ticket carries early data once
// in the whole fleet (RFC 8446 section 8):
//
//   - a ring of session ticket keys (a padlock.TicketKeySource), each key
//     wrapped at rest under a key-encryption key every server is given,
//     rotated by whichever server first finds the newest key due, with a
//     compare-and-set in Redis so that two servers never both rotate;
//   - the TLS 1.2 session ID cache (a padlock.ServerSessionStore), whose
//     values padlock seals under the ring before they reach Redis;
//   - the 0-RTT single-use record (a padlock.ReplayFilter), a SET NX with
//     expiry on each ticket's identity.
//
// Nothing on a handshake's path waits on Redis for longer than
// Options.Timeout: the ring is read and rotated in the background, and a
// server keeps the last ring it read while Redis is away. The single-use
// record fails closed: with Redis away, early data is rejected and the
// handshake goes on at 1-RTT.
//
// docs/FLEET.md describes the design, its failure modes and what Redis
// sees.
package fleet
