# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Execute a plan (common.plan): its ``(action, argument)`` steps, each handled by a ``do_<action>`` method.

The plans are pure; the shells subclass StepExecutor with the methods that touch libvirt, the host or MAAS
(libvirt.executors, bridge.executor, maas.executors), and common.ansible_glue.run_plan calls ``run`` only
outside check mode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class StepExecutor(object):
    """Base of the executors; ``conn`` is what they act through (a libvirt connection, a MAAS client, the host's
    commands), ``target`` the object the steps act on (or None)."""

    def __init__(self, module, conn, target=None):
        self.module = module
        self.conn = conn
        self.target = target

    def run(self, steps):
        """Run every step in order; returns the target (a step may have created or replaced it)."""
        for action, argument in steps:
            getattr(self, 'do_' + action)(argument)
        return self.target
