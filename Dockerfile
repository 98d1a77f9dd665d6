# threshold's HTTP service (the JSON API and the web tool) in a container.
#
#   docker build -t threshold .
#   docker run --rm -p 8000:8000 -e THRESHOLD_WORKERS=2 threshold
#
# Configuration by environment: PORT (default 8000), THRESHOLD_WORKERS (server
# processes, about one per core given to the container; default 2). Arguments
# after the image name go to `threshold serve` (e.g. --max-body-bytes 65536).
# The service keeps no state, so more capacity is more containers behind any
# load balancer; README "Deployment" says more. tests/test_dockerfile.py runs this
# file's ENTRYPOINT and HEALTHCHECK commands outside a container.

ARG PYTHON_VERSION=3.11

# ---- build: a wheel of this tree (the source stays out of the final image)
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY . .
RUN pip wheel --no-deps --wheel-dir /wheels .

# ---- run
FROM python:${PYTHON_VERSION}-slim
ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    THRESHOLD_CACHE_DIR=/var/cache/threshold \
    PORT=8000 \
    THRESHOLD_WORKERS=2
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin threshold \
    && mkdir -p /var/cache/threshold \
    && chown threshold /var/cache/threshold
COPY --from=build /wheels /wheels
# The wheel by its path (never by name from an index), with the serve extra.
RUN pip install "$(ls /wheels/threshold-*.whl)[serve]" && rm -rf /wheels
USER threshold
WORKDIR /nonexistent
# Validate every installed authority at build time (its data, numbers, hours,
# citations and routing rules over every case): a broken policy pack fails the
# build, not the first request. It also fills the start-up cache (the marker
# that the data passed validation, bank holidays), so workers start quickly.
RUN threshold check && threshold authorities
EXPOSE 8000
# Ready when /health answers 200 (503: no authority works).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4)"]
ENTRYPOINT ["/bin/sh", "-c", "exec threshold serve --host 0.0.0.0 --port \"$PORT\" --workers \"$THRESHOLD_WORKERS\" \"$@\"", "threshold-serve"]
