"""The standard base stack on the demo geography: layers present, scale-dependent visibility, labels drawn."""

from __future__ import annotations

import pytest

from maps.basemap import BASEMAP_LAYER_NAMES, add_basemap


@pytest.fixture(scope="module")
def geography():  # type: ignore[no-untyped-def]
    from console.geo.geodata import load_demo_geography

    return load_demo_geography()


def test_basemap_stack_on_demo_geography(canvas, geography) -> None:  # type: ignore[no-untyped-def]
    layers = add_basemap(canvas, geography)
    assert set(BASEMAP_LAYER_NAMES) == set(layers)
    assert [layer.name for layer in canvas.layers()][-1] == "subdistrict_labels"
    canvas.grab_image(1280, 800)
    assert 5.0 < canvas.scale_m_per_px() < 15.0  # Home = whole district
    assert canvas.layer("subdistricts").isVisible()
    assert not canvas.layer("grids").isVisible()  # unit grids only at street zoom
    assert not canvas.layer("duty_grids").user_visible  # off by default
    assert canvas.layer("subdistrict_labels").labels_drawn >= 8  # of 10 names, a few may collide
    assert canvas.layer("subdistricts").note_zh  # approximate partition is flagged on the map

    canvas.fly_to(121.4236, 31.2197, 0.8, animate=False)
    canvas.grab_image(1280, 800)
    assert canvas.layer("grids").isVisible() and canvas.layer("communities").isVisible()
    assert canvas.layer("communities").labels_drawn > 0


def test_static_cache_reuses_image_while_panning_and_follows_visibility(canvas, geography) -> None:  # type: ignore[no-untyped-def]
    add_basemap(canvas, geography)
    cache = canvas.static_cache()
    assert cache is not None and {m.name for m in cache.members()} >= {"roads", "district", "subdistricts"}
    first = canvas.grab_image(800, 600)
    renders = cache.renders
    cx, cy = canvas.view_centre_m()
    s = canvas.scale_m_per_px()
    canvas.set_view(cx + 20 * s, cy, s)  # small pan: inside the cached margin
    canvas.grab_image(800, 600)
    assert cache.renders == renders
    canvas.set_view(cx, cy, s)
    assert canvas.grab_image(800, 600) == first  # blitting the cache reproduces the frame exactly
    canvas.set_layer_visible("roads", False)  # a member's visibility change invalidates the image
    without_roads = canvas.grab_image(800, 600)
    assert cache.renders == renders + 1 and without_roads != first
