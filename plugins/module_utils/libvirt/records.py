# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The raw records the libvirt shell hands to the pure fact assembler: one network or domain as
libvirt showed it (its XML plus what is not in the XML). Plain data, no behaviour."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections import namedtuple

RawNetwork = namedtuple('RawNetwork', 'xml active persistent autostart')
RawDomain = namedtuple('RawDomain', 'xml state persistent autostart')
