# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Execute a plan: a list of ``(action, argument)`` steps, each handled by a ``do_<action>`` method.

The plans are pure (``libvirt.network_plan``, ``vm.compose_plan``, ``libvirt.pool_plan``); the
modules subclass StepExecutor with the methods that touch libvirt, and call ``run`` only outside
check mode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class StepExecutor(object):
    """Base of the modules' executors; ``target`` is the libvirt object the steps act on (or None)."""

    def __init__(self, module, conn, target):
        self.module = module
        self.conn = conn
        self.target = target

    def run(self, steps):
        """Run every step in order; returns the target (a step may have created or replaced it)."""
        for action, argument in steps:
            getattr(self, 'do_' + action)(argument)
        return self.target
