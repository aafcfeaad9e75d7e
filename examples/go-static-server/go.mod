module example.com/go-static-server

go 1.19
