//! The browser around the web build: its storage, which keeps the shift's
//! log as it is written, and downloads. A leaf of the app: it knows nothing
//! of screens or panels.

use labshift_core::log::SessionLog;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

/// The browser-storage key of the shift being played.
pub const SHIFT_KEY: &str = "labshift.shift";

/// The page's local storage, if the browser gives one.
pub fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The unfinished shift the browser kept, if it reads as a log.
pub fn stored_shift() -> Option<SessionLog> {
    let text = storage()?.get_item(SHIFT_KEY).ok().flatten()?;
    SessionLog::parse("browser storage", &text).ok()
}

/// Forgets the kept shift (it was discarded, or it ended).
pub fn forget_shift() {
    if let Some(s) = storage() {
        let _ = s.remove_item(SHIFT_KEY);
    }
}

/// Offers `text` to the user as a downloaded file called `name`.
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let describe = |e: JsValue| format!("{e:?}");
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let link: web_sys::HtmlAnchorElement =
        document.create_element("a").map_err(describe)?.dyn_into().map_err(|_| "not a link")?;
    link.set_href(&url);
    link.set_download(name);
    link.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
