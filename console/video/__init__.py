"""Video (视频): synthetic camera pictures and clips, the loopback camera server, stream settings and camera coverage.

Qt-free: the console's tiles, players and video wall (``widgets/video/``) sit on top of this package.
"""
