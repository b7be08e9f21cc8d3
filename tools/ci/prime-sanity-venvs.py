# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-test's sanity virtualenvs (~/.ansible/test/venv), made ahead of `ansible-test sanity` and filled by uv.

On a machine that has none yet (a fresh CI machine), ansible-test makes one virtualenv per sanity test with pip:
bootstrap pip, upgrade it, install the test's requirements, uninstall pip again - about 280 s for the two
ansible-core versions `make sanity` runs, on the 2-core machine. This runs ansible-test's own
`sanity --prime-venvs` (which makes those virtualenvs and runs no test) with its pip step swapped for uv: the
same requirement and constraint files, the same places and the same names (the name is a hash of the
requirements), so `ansible-test sanity` afterwards finds them and installs nothing. What it does not find - a
later ansible-core that names its virtualenvs differently - it makes itself with pip, as before: slower, never
different.

Usage: <ansible-core's virtualenv>/bin/python prime-sanity-venvs.py <uv> <ansible-test sanity arguments>
(from the collection's root, as ansible-test runs)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import subprocess
import sys
import tempfile


def uv_run_pip(uv):
    """A stand-in for ansible-test's run_pip: its PipInstall commands through uv; the pip bootstrap and the
    uninstall of pip that only concern pip are left out (uv installs into a virtualenv that has no pip)."""
    def run_pip(args, python, commands, connection=None):  # pylint: disable=unused-argument
        for command in commands:
            kind = type(command).__name__
            if kind in ('PipBootstrap', 'PipUninstall', 'PipVersion'):
                continue
            if kind != 'PipInstall':
                raise SystemExit('prime-sanity-venvs: unknown ansible-test pip command %s' % kind)
            with tempfile.TemporaryDirectory(prefix='kvmnet-prime-') as scratch:
                options = []
                for flag, files in (('-r', command.requirements), ('-c', command.constraints)):
                    for index, (path, contents) in enumerate(files):
                        name = os.path.join(scratch, '%s%d-%s' % (flag[1], index, os.path.basename(path)))
                        with open(name, 'w') as handle:
                            handle.write(contents)
                        options += [flag, name]
                subprocess.run([uv, 'pip', 'install', '-q', '--native-tls', '--compile-bytecode', '--python',
                                python.path] + options + list(command.packages), check=True)
    return run_pip


def main():
    uv, arguments = sys.argv[1], sys.argv[2:]
    # as ansible-test's own entry point does
    from ansible_test._internal import main as ansible_test_main  # pylint: disable=import-outside-toplevel
    from ansible_test._internal.commands import sanity  # pylint: disable=import-outside-toplevel
    if not hasattr(sanity, 'run_pip') or not hasattr(sanity, 'create_sanity_virtualenv'):
        print('prime-sanity-venvs: this ansible-test has no run_pip to swap; its sanity makes its own virtualenvs')
        return
    sanity.run_pip = uv_run_pip(uv)
    ansible_test_main(['ansible-test', 'sanity', '--prime-venvs'] + arguments)  # its argv, program name first


if __name__ == '__main__':
    main()
