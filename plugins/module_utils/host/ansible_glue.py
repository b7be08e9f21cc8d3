# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Host commands for a module: ``ip`` and ``ping`` found on the target and run in the C locale.

Shell: it takes the AnsibleModule (duck-typed; nothing is imported from Ansible).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.kvmnet.netboot.plugins.module_utils.host.commands import C_LOCALE, HostCommands


def host_commands(module, required=False):
    """HostCommands over the module's ``run_command``, or None when ``ip`` is missing and not ``required``.

    ``ping`` is looked up too (None when missing): callers that verify with it check it in preflight.
    """
    module.run_command_environ_update = dict(C_LOCALE)
    ip_bin = module.get_bin_path('ip', required=required)
    if not ip_bin:
        return None
    return HostCommands(module.run_command, ip_bin, module.get_bin_path('ping'))
