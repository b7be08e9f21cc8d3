# -*- coding: utf-8 -*-
# Copyright: kvmnet.netboot contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What several of the double's endpoints answer alike: MAAS's refusal texts, its time formats, its version."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime

API = '/MAAS/api/2.0/'
NOT_ADMIN = 'User is not allowed access to this API.'
NOW = '2026-11-22T08:00:00.000'


def unknown_endpoint(path):
    return 404, 'Unknown API endpoint: %s%s.' % (API, path)


def maas_time(iso):
    """op=ip_addresses gives times as ``Tue, 27 Nov. 2018 18:06:19``, not ISO 8601."""
    return datetime.datetime.strptime(iso[:19], '%Y-%m-%dT%H:%M:%S').strftime('%a, %d %b. %Y %H:%M:%S')


def version_of(state):
    """(major, minor) of the region's version."""
    return tuple(int(p) for p in state.version['version'].split()[0].split('.')[:2])


def first(form, key, default=None):
    """The first value of ``key`` in a form as parse_qs reads it (``{key: [values]}``)."""
    values = form.get(key)
    return values[0] if values else default
