"""Video in the console (视频): live camera tiles, live view from the map, evidence clip player, video wall, and
verify/check by camera (核实/核查). Reading and decoding run in worker threads; see docs/video.md."""
