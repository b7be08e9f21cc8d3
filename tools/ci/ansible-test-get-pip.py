# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the get-pip.py that ansible-test downloads into a new sanity virtualenv.

ansible-test fetches that script from its own file host, which these machines cannot reach. This one
does the same job with what is here: pip from the interpreter's bundled ensurepip wheel, then the
pip/setuptools/wheel versions ansible-test asked for, from the package index. The Makefile copies it
to ~/.ansible/test/cache/get_pip_<version>.py, where ansible-test looks before downloading.
"""

import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + sys.argv[1:])
