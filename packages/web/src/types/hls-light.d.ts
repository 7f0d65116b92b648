// hls.js ships its "light" build (no DRM, subtitles or alternate audio: nothing a LIVE room uses)
// without its own typings entry; its API is the full build's.
declare module 'hls.js/light' {
  import Hls from 'hls.js';
  export default Hls;
}
