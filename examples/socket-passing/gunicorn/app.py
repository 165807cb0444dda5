# A WSGI app for the socket passing example, rendered by pgroup into {{process.dir}}.
def app(environ, start_response):
    body = b"hello from gunicorn\n"
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]
