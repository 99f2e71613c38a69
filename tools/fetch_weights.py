#!/usr/bin/python3
"""Downloads the reference's released checkpoints by model name and verifies each one's SHA-256 prefix.

usage: fetch_weights.py NAME [NAME ...] [--dir DIR] [--list FILE]
       fetch_weights.py --names
NAME is a key of models/pretrained_urls.txt, e.g. resnet50_lpf4 or resnet50_lpf4_finetune. Each file is
saved as DIR/<file name of its URL> (default DIR: ./weights), written to a temporary file first and renamed
only once its hash matches, so a failed or tampered download never leaves a file behind. A file already
there with the right hash is not downloaded again. Exit status 1 on any failure, with a one-line reason."""
import argparse
import hashlib
import os
import re
import sys
import tempfile
import urllib.error
import urllib.request

DEFAULT_LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'models', 'pretrained_urls.txt')


def read_list(path):
    urls = {}
    with open(path) as f:
        for line in f:
            if line.strip() and not line.startswith('#'):
                name, url = line.split()
                urls[name] = url
    return urls


def expected_prefix(url):
    match = re.search(r'-([0-9a-f]{8,64})\.pth(\.tar)?$', url)
    if not match:
        raise ValueError(f'{url}: no SHA-256 prefix in the file name')
    return match.group(1)


def sha256(path):
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def fetch(name, url, directory):
    prefix = expected_prefix(url)
    target = os.path.join(directory, os.path.basename(url))
    if os.path.exists(target) and sha256(target).startswith(prefix):
        return f'{name}: {target} already there, hash ok'
    os.makedirs(directory, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix='.' + os.path.basename(url) + '.')
    try:
        with os.fdopen(handle, 'wb') as out:
            try:
                with urllib.request.urlopen(url, timeout=30) as response:
                    for block in iter(lambda: response.read(1 << 20), b''):
                        out.write(block)
            except (urllib.error.URLError, OSError) as e:
                reason = getattr(e, 'reason', e)
                raise RuntimeError(f'{name}: cannot download {url} ({reason}); is the network reachable? '
                                   f'Otherwise copy the file into {directory}/ by hand') from None
        actual = sha256(temporary)
        if not actual.startswith(prefix):
            raise RuntimeError(f'{name}: {url} has SHA-256 {actual[:16]}..., its name says {prefix}: refused')
        os.replace(temporary, target)
        return f'{name}: {target} downloaded, hash ok'
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('names', nargs='*')
    parser.add_argument('--dir', default='weights')
    parser.add_argument('--list', default=DEFAULT_LIST, help='name/URL list (default: the reference\'s)')
    parser.add_argument('--names', dest='list_names', action='store_true', help='print the known names')
    args = parser.parse_args()
    urls = read_list(args.list)
    if args.list_names:
        print('\n'.join(sorted(urls)))
        return 0
    if not args.names:
        parser.error('name at least one model (--names lists them)')
    status = 0
    for name in args.names:
        try:
            if name not in urls:
                raise RuntimeError(f'{name}: no released checkpoint (valid: {", ".join(sorted(urls))})')
            print(fetch(name, urls[name], args.dir))
        except (RuntimeError, ValueError) as e:
            print(f'fetch_weights: {e}', file=sys.stderr)
            status = 1
    return status


if __name__ == '__main__':
    sys.exit(main())
