"""gunicorn's access log, leaner and masked (gunicorn_conf.py sets it as `logger_class`).

For every line gunicorn copies each request header, response header and WSGI environ entry
into a lower-cased `{name}i/o/e` atom and escapes them all: about 40 of the 60-80 us a line
costs here, for atoms our two formats (Apache combined for the demo, JSON in production) never
use. This logger hands gunicorn only the environ entries the standard atoms read, so
`%({header}i)s`-style atoms print "-"; add the entry to _STANDARD_ENVIRON if a format needs one.

ID numbers and mobile numbers in the request line, path, query and referrer are masked like in
every other log line (tongban.security.logmask): a GET with an ID number in its query string
must not put it in the log in the clear.
"""

from types import SimpleNamespace

from gunicorn.glogging import Logger

from tongban.security.logmask import mask_text

_STANDARD_ENVIRON = ("REMOTE_ADDR", "REQUEST_METHOD", "RAW_URI", "SERVER_PROTOCOL", "PATH_INFO",
                     "QUERY_STRING", "HTTP_REFERER", "HTTP_USER_AGENT")
_MAY_HOLD_PERSONAL_DATA = ("r", "U", "q", "f")


class AccessLogger(Logger):
    def atoms(self, resp, req, environ, request_time):
        standard = {name: environ[name] for name in _STANDARD_ENVIRON if name in environ}
        without_headers = SimpleNamespace(status=resp.status, sent=getattr(resp, "sent", None), headers=())
        atoms = super().atoms(without_headers, (), standard, request_time)
        for name in _MAY_HOLD_PERSONAL_DATA:
            if isinstance(atoms.get(name), str):
                atoms[name] = mask_text(atoms[name])
        return atoms
