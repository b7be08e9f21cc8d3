# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-in for the get-pip.py that ansible-test downloads into a new sanity virtualenv.

ansible-test fetches that script from its own file host, which these machines cannot reach. This one
does the same job with what is here: pip from the interpreter's bundled ensurepip wheel, then the
pip/setuptools/wheel versions ansible-test asked for, from the package index. The Makefile copies it
to ~/.ansible/test/cache/get_pip_<version>.py, where ansible-test looks before downloading.

get-pip.py's own options, which ansible-test 2.19 passes and pip itself does not know, are honoured by leaving
those packages out: --no-setuptools, --no-wheel.
"""

import subprocess
import sys

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--upgrade', '--default-pip'])
GET_PIP_ONLY = ('--no-setuptools', '--no-wheel')
subprocess.check_call([sys.executable, '-m', 'pip', 'install'] + [a for a in sys.argv[1:] if a not in GET_PIP_ONLY])
