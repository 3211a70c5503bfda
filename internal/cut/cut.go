// Package cut cuts a generated document into literal text and the places
// where values go, so that a document for another value is the pieces
// joined: the templates of the served endpoint are made this way, from a
// document generated once for a stand-in.
package cut

import "bytes"

// Needle is a text to find in a document, and what its places are called.
type Needle[K any] struct {
	Text string
	Key  K
}

// Piece is literal text followed by the place of a needle. The last piece
// of a document has the zero Key: nothing follows it.
type Piece[K any] struct {
	Literal []byte
	Key     K
}

// At cuts doc at every occurrence of the needles. Where two needles are
// found at the same place, the one earlier in needles wins, so a needle
// that contains another must come first. The pieces share doc's memory.
func At[K any](doc []byte, needles []Needle[K]) []Piece[K] {
	var pieces []Piece[K]
	for len(doc) > 0 {
		at, which := -1, 0
		for n, needle := range needles {
			if i := bytes.Index(doc, []byte(needle.Text)); i >= 0 && (at < 0 || i < at) {
				at, which = i, n
			}
		}
		if at < 0 {
			pieces = append(pieces, Piece[K]{Literal: doc})
			break
		}
		pieces = append(pieces, Piece[K]{Literal: doc[:at], Key: needles[which].Key})
		doc = doc[at+len(needles[which].Text):]
	}
	return pieces
}

// Size is the number of bytes of literal text in pieces.
func Size[K any](pieces []Piece[K]) int {
	n := 0
	for _, p := range pieces {
		n += len(p.Literal)
	}
	return n
}
