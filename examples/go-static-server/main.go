// A static file server: the program of the "Understanding Unikernels" walkthrough that
// isle's seed follows. It serves the files of ./static (the image's /static, copied there
// by config.json's Dirs) on port 8080.
package main

import (
	"log"
	"net/http"
)

func main() {
	fs := http.FileServer(http.Dir("static"))
	http.Handle("/", fs)

	log.Println("Listening...on 8080")
	log.Fatal(http.ListenAndServe(":8080", nil))
}
