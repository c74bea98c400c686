package padlock_test

import (
	"bufio"
	"io"
	"log"
	"net"
	"strings"

	"padlock"
)

// A client sends a request as 0-RTT data when it resumes, and sends it
// again after the handshake if the server did not take it.
func ExampleConn_WriteEarly() {
	config := &padlock.Config{
		ServerName:         "example.com",
		ClientSessionCache: padlock.NewLRUClientSessionCache(0),
		SendEarlyData:      true,
	}
	for range 2 { // the first connection gets the ticket, the second uses it
		raw, err := net.Dial("tcp", "example.com:443")
		if err != nil {
			log.Fatal(err)
		}
		conn := padlock.Client(raw, config)
		// Early data may be replayed by an attacker: only a request
		// that is safe to repeat.
		req := []byte("GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n")
		conn.WriteEarly(req)
		if err := conn.Handshake(); err != nil {
			log.Fatal(err)
		}
		if !conn.ConnectionState().EarlyDataAccepted {
			// Not sent, or rejected: the server never saw it.
			if _, err := conn.Write(req); err != nil {
				log.Fatal(err)
			}
		}
		io.Copy(io.Discard, conn)
		conn.Close()
	}
}

// A server accepts early data, and refuses to act on a request that is
// not safe to repeat until the handshake has completed.
func ExampleConfig_MaxEarlyData() {
	cert, err := padlock.LoadX509KeyPair("server.pem", "server-key.pem")
	if err != nil {
		log.Fatal(err)
	}
	l, err := padlock.Listen("tcp", ":8443", &padlock.Config{
		Certificates: []padlock.Certificate{cert},
		MaxEarlyData: 16 << 10,
	})
	if err != nil {
		log.Fatal(err)
	}
	for {
		c, err := l.Accept()
		if err != nil {
			log.Fatal(err)
		}
		go func(conn *padlock.Conn) {
			defer conn.Close()
			line, err := bufio.NewReader(conn).ReadString('\n')
			if err != nil {
				return
			}
			// The first EarlyDataLen bytes came early: this line did,
			// at least in part, when there were any.
			if conn.ConnectionState().EarlyDataLen > 0 && !strings.HasPrefix(line, "GET ") {
				io.WriteString(conn, "HTTP/1.1 425 Too Early\r\n\r\n")
				return
			}
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		}(c.(*padlock.Conn))
	}
}
