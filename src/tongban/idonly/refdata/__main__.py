import argparse

from tongban.idonly.refdata.server import make

parser = argparse.ArgumentParser(description="tongban reference data service")
parser.add_argument("--host", default="127.0.0.1")
parser.add_argument("--port", type=int, default=8100)
args = parser.parse_args()
server = make(args.host, args.port, quiet=False)
print(f"reference data service on http://{args.host}:{args.port}/", flush=True)
server.serve_forever()
